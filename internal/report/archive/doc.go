// Package archive keeps the files of per-project reports and hands out
// expiring links to them, the two ways seed 001 asks for:
//
//   - Local writes them under a directory on the host and serves them
//     through its own http.Handler behind signed links: HMAC-SHA256 over the
//     key and the expiry time, optionally limited to the company's networks.
//   - S3 puts them in a bucket with server-side encryption and links to them
//     with presigned GetObject URLs (SigV4, at most seven days).
//
// Both name a report by the same key, reports/{project}/{date}.{ext} (see
// Key): the file under the directory, or the object key (with the
// configured prefix in place of "reports/"). Both serve it as a download
// whose name carries the project (see DownloadName), so a Japanese project
// name reaches the reader intact.
//
// The package knows nothing of reports themselves: the report job (package
// report) declares the interface it needs and is handed a *Local or an *S3
// by the command that wires hubrelay. Nothing here logs or returns a
// secret, a signature or a presigned URL's credentials.
package archive
