# Runs in the worker (Sidekiq): marks the token as done in Redis, where the web page waits for it.
class EchoJob
  include Sidekiq::Job

  def perform(token)
    Redis.new(url: ENV.fetch("REDIS_URL")).set("example:sidekiq:#{token}", "done", ex: 300)
  end
end
