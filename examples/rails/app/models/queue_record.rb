# The queue database of Rails 8 (config/database.yml: production.queue; QUEUE_DATABASE_URL in the preview).
class QueueRecord < ActiveRecord::Base
  self.abstract_class = true
  connects_to database: { writing: :queue }
end
