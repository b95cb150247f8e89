module hookwise/scripts/load

go 1.22

require github.com/oklog/ulid/v2 v2.1.1
