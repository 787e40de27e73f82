# Loaded into the cable database by db:prepare. (A real Rails 8 app has solid_cable's tables here.)
ActiveRecord::Schema[8.0].define(version: 1) do
  create_table "example_probes", force: :cascade do |t|
    t.datetime "created_at", null: false
  end
end
