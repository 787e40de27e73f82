# Runs once, when db:prepare creates the primary database (not on every push).
Visit.create!(path: "seed")
