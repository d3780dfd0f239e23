// Package webui serves the browser pages that ship inside the binary: the
// analysts' page at / and the GraphQL explorer at /graphiql. Their JavaScript and CSS are bundled at
// build time from npm packages pinned in web/package-lock.json (`make
// assets`), committed under dist/ and embedded here, so the service needs
// nothing from another host: police networks are often cut off from the
// internet, and a page that loads its scripts from a CDN never opens there.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed dist
var dist embed.FS

// contentSecurityPolicy forbids the pages any request to another host:
// scripts, styles, fonts, images and fetches come from the service itself
// (fonts and icons bundled as data: URLs). A page that tried to reach a CDN
// would be stopped by the browser, not just fail to load quietly.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// asset is one embedded file with the ETag of its content, so that a
// browser revalidates cheaply instead of downloading the bundle again.
type asset struct {
	body []byte
	etag string
}

// pages maps each page's path to its file; every other file of the bundle
// is an asset, served under /assets/ and (for the explorer's own) under
// /graphiql/assets/.
var pages = map[string]string{
	"/":          "index.html",
	"/graphiql":  "explorer.html",
	"/graphiql/": "explorer.html",
}

// Handler serves the pages at their paths and their bundled assets; a path
// it does not know is answered by notFound.
func Handler(notFound http.Handler) http.Handler {
	assets := map[string]asset{}
	err := fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := dist.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		assets[path.Base(p)] = asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := pages[r.URL.Path]
		if !ok {
			switch dir, file := path.Split(r.URL.Path); {
			case (dir == "/assets/" || dir == "/graphiql/assets/") && !strings.HasSuffix(file, ".html"):
				name = file
			}
		}
		a, ok := assets[name]
		if !ok {
			notFound.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// The bundle's file names stay the same from build to build, so the
		// browser must check back; the ETag makes that a 304.
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
	})
}
