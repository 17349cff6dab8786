// Package security holds tepai's security checks as tests: the scope
// matrix generated from the route table (every route × every role × a
// record inside and outside the caller's scope), forged and revoked
// tokens, hostile bodies, path traversal, hostile photos, SQL injection in
// filters and paths, and fuzz targets for every JSON body the API decodes.
// It has no code of its own beyond this comment.
package security
