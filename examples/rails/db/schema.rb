# Loaded by db:prepare into an empty primary database.
ActiveRecord::Schema[8.0].define(version: 2025_01_01_000000) do
  create_table "visits", force: :cascade do |t|
    t.string "path"
    t.datetime "created_at", null: false
    t.datetime "updated_at", null: false
  end
end
