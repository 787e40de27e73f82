# The cache database of Rails 8 (config/database.yml: production.cache; CACHE_DATABASE_URL in the preview).
class CacheRecord < ActiveRecord::Base
  self.abstract_class = true
  connects_to database: { writing: :cache }
end
