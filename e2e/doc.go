// Package e2e tests tepai as it runs in production: the real binary as a
// separate process on 127.0.0.1, under the load generator's simulated
// phones, through crashes (kill -9), dependency outages (its own MinIO
// stopped, the database cut behind a TCP proxy) and two replicas sharing
// one database and photo store. The tests build the binary once; they are
// skipped with -short, and the MySQL/MinIO ones run when the
// TEPAI_TEST_MYSQL_DSN (and TEPAI_TEST_S3_*) variables are set.
package e2e
