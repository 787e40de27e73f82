# Sidekiq reads REDIS_URL by itself; this only keeps its connection attempts short in the preview.
Sidekiq.configure_server { |config| config.redis = { url: ENV["REDIS_URL"], network_timeout: 5 } }
Sidekiq.configure_client { |config| config.redis = { url: ENV["REDIS_URL"], network_timeout: 5 } }
