Rails.application.routes.draw do
  # Rails' own health check: 200 once the app has booted. The preview's readiness check calls it.
  get "up" => "rails/health#show", as: :rails_health_check

  root "services#index"
  get "health" => "services#health"
  get "mariadb" => "services#mariadb"
  get "mongodb" => "services#mongodb"
  get "redis" => "services#redis"
  get "rabbitmq" => "services#rabbitmq"
  get "elasticsearch" => "services#elasticsearch"
  get "sidekiq" => "services#sidekiq"
end
