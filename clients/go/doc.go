// Package clients holds the test of the Go client that scripts/clients
// generates with oapi-codegen from the document tepai serves (into
// ./tepai, not committed): it signs in, pushes a visit and reads coverage
// through the generated client against a real server. It is a module of
// its own so that `go test ./...` at the repository root does not need the
// generated code.
package clients
