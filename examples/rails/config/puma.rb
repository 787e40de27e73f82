# As Rails generates it: threads from RAILS_MAX_THREADS, port from PORT, processes from WEB_CONCURRENCY (the
# preview sets all three to fit the container).
threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)
threads threads_count, threads_count
port ENV.fetch("PORT", 3000)
worker_count = Integer(ENV.fetch("WEB_CONCURRENCY", 1))
workers worker_count if worker_count > 1
plugin :tmp_restart
