# A document in MongoDB (MONGODB_URL, through config/mongoid.yml).
class Note
  include Mongoid::Document
  include Mongoid::Timestamps
  field :body, type: String
end
