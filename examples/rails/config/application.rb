require_relative "boot"
require "rails"
require "active_model/railtie"
require "active_record/railtie"
require "active_job/railtie"
require "action_controller/railtie"
Bundler.require(*Rails.groups)

module Example
  class Application < Rails::Application
    config.load_defaults 8.0
    # Active Record is the SQL side; Mongoid models live next to it.
    config.generators.orm :active_record
  end
end
