# A row in MariaDB (the primary database, DATABASE_URL).
class Visit < ApplicationRecord
end
