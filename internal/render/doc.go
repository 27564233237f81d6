// Package render turns Security Hub findings into the text the destinations
// send: the EventBridge input transformer (so users can paste the
// InputPathsMap and InputTemplate they already run in AWS), Go templates with
// sprig and hubrelay helpers, display-ready views of one finding or a digest,
// a Japanese/English message catalog, escapers for Slack, Markdown and JSON,
// and the built-in default templates.
//
// Everything here is a pure function of its inputs: no I/O, no globals beyond
// immutable lookup tables, and every exported type is safe for concurrent use
// once built. render imports only internal/finding (and sprig).
package render
