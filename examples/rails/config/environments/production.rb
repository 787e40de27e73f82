require "active_support/core_ext/integer/time"

# What `rails new` (Rails 8) generates, trimmed to what this example uses.
Rails.application.configure do
  config.enable_reloading = false
  config.eager_load = true
  config.consider_all_requests_local = false
  # The ingress terminates TLS; Rails 8 assumes it. (Rails 7.1/7.2 apps have force_ssl without assume_ssl: the
  # preview's readiness check sends X-Forwarded-Proto: https for them.)
  config.assume_ssl = true
  config.force_ssl = true
  config.log_tags = [:request_id]
  config.logger = ActiveSupport::TaggedLogging.logger($stdout)
  config.log_level = ENV.fetch("RAILS_LOG_LEVEL", "info")
  config.silence_healthcheck_path = "/up"
  config.active_support.report_deprecations = false
  config.active_record.dump_schema_after_migration = false
  config.i18n.fallbacks = true
end
