# The cable database of Rails 8 (config/database.yml: production.cable; CABLE_DATABASE_URL in the preview).
class CableRecord < ActiveRecord::Base
  self.abstract_class = true
  connects_to database: { writing: :cable }
end
