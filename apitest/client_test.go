package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// gqlResult is a decoded GraphQL answer.
type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors json.RawMessage `json:"errors"`
}

// query posts one operation and returns the decoded answer, or an error for
// a transport failure or a 5xx.
func query(client *http.Client, url, q string, vars map[string]any) (gqlResult, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return gqlResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	// Networks across the border need a purpose; these tests are one.
	req.Header.Set("X-Purpose", "apitest")
	res, err := client.Do(req)
	if err != nil {
		return gqlResult{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return gqlResult{}, err
	}
	if res.StatusCode >= 500 {
		return gqlResult{}, fmt.Errorf("status %d: %s", res.StatusCode, raw)
	}
	var r gqlResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return gqlResult{}, fmt.Errorf("status %d, not JSON: %s", res.StatusCode, raw)
	}
	if len(r.Errors) > 0 && string(r.Errors) != "null" {
		return r, fmt.Errorf("graphql errors: %s", r.Errors)
	}
	return r, nil
}

func bytesContains(b, sub []byte) bool { return bytes.Contains(b, sub) }
