require "net/http"
require "securerandom"

# One page per service of the preview, each doing a real round trip, and /health reporting them all as JSON.
# Every page answers 200 with {"ok": true, ...} when its service works, and 503 with the error when it does not.
class ServicesController < ApplicationController
  PAGES = %w[mariadb mongodb redis rabbitmq elasticsearch sidekiq].freeze
  CHECKS = (PAGES + %w[cache_database queue_database cable_database]).freeze

  def index
    links = PAGES.map { |page| %(<li><a href="/#{page}">#{page}</a></li>) }.join
    # A branch name may hold <, > and quotes: escaped, as everything from outside that goes into HTML.
    branch = ERB::Util.html_escape(ENV.fetch("PREVIEW_BRANCH", "?"))
    render html: %(<h1>Preview of #{branch}</h1><ul>#{links}</ul><a href="/health">health</a>).html_safe
  end

  def health
    results = CHECKS.index_with { |c| check(c) }
    render json: results, status: results.values.all? { |r| r[:ok] } ? :ok : :service_unavailable
  end

  PAGES.each do |name|
    define_method(name) do
      result = check(name)
      render json: result, status: result[:ok] ? :ok : :service_unavailable
    end
  end

  private

  def check(name)
    { ok: true, detail: send("check_#{name}") }
  rescue StandardError => e
    { ok: false, error: "#{e.class}: #{e.message}" }
  end

  # Active Record on MariaDB: write a row, count them.
  def check_mariadb
    Visit.create!(path: request.path)
    "#{Visit.count} visits"
  end

  # Rails 8's solid_cache / solid_queue / solid_cable databases (CACHE_/QUEUE_/CABLE_DATABASE_URL).
  def check_cache_database = probe(CacheRecord)
  def check_queue_database = probe(QueueRecord)
  def check_cable_database = probe(CableRecord)

  def probe(klass)
    klass.connection.execute("INSERT INTO example_probes (created_at) VALUES (NOW())")
    "#{klass.connection.select_value('SELECT COUNT(*) FROM example_probes')} rows in #{klass.connection.current_database}"
  end

  # Mongoid: insert a document, count them.
  def check_mongodb
    Note.create!(body: "seen at #{Time.now.utc.iso8601}")
    "#{Note.count} notes"
  end

  def redis = @redis ||= Redis.new(url: ENV.fetch("REDIS_URL"), timeout: 5)

  # Redis: set a key, read it back.
  def check_redis
    token = SecureRandom.hex(8)
    redis.set("example:redis", token, ex: 60)
    raise "read back #{redis.get('example:redis').inspect}" unless redis.get("example:redis") == token
    "set and read back #{token}"
  end

  # RabbitMQ: publish a message to a queue of our own, take it back.
  def check_rabbitmq
    connection = Bunny.new(ENV.fetch("RABBITMQ_URL"), connection_timeout: 5)
    connection.start
    channel = connection.create_channel
    queue = channel.queue("", exclusive: true)
    token = SecureRandom.hex(8)
    channel.default_exchange.publish(token, routing_key: queue.name)
    body = nil
    20.times do
      _info, _props, body = queue.pop
      break if body
      sleep 0.1
    end
    raise "got #{body.inspect} back" unless body == token
    "published and consumed #{token}"
  ensure
    connection&.close
  end

  # Elasticsearch: index a document, search for it.
  def check_elasticsearch
    base = URI(ENV.fetch("ELASTICSEARCH_URL"))
    token = SecureRandom.hex(8)
    http = Net::HTTP.new(base.host, base.port)
    http.open_timeout = http.read_timeout = 10
    put = Net::HTTP::Put.new("/example/_doc/#{token}?refresh=true", "Content-Type" => "application/json")
    put.body = { token: token }.to_json
    indexed = http.request(put)
    raise "indexing answered #{indexed.code}" unless indexed.is_a?(Net::HTTPSuccess)
    found = JSON.parse(http.get("/example/_search?q=token:#{token}").body).dig("hits", "total", "value")
    raise "search found #{found.inspect}" unless found == 1
    "indexed and found #{token}"
  end

  # Sidekiq: enqueue a job; the worker writes the token to Redis; wait up to 15 s for it.
  def check_sidekiq
    token = SecureRandom.hex(8)
    EchoJob.perform_async(token)
    150.times do
      return "job #{token} ran" if redis.get("example:sidekiq:#{token}") == "done"
      sleep 0.1
    end
    raise "job #{token} did not run within 15 s"
  end
end
