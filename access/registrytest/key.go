package registrytest

import (
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

func testAgencyValidation(t *testing.T, e *env) {
	ok := access.Agency{Code: "TH-CCIB", Name: "Cyber Crime Investigation Bureau", Country: intel.RegionTH}
	for _, c := range []struct {
		name, field string
		edit        func(*access.Agency)
	}{
		{"ErrCodeRequired", "code", func(a *access.Agency) { a.Code = "" }},
		{"ErrCodeLowerCase", "code", func(a *access.Agency) { a.Code = "th-ccib" }},
		{"ErrCodeTooShort", "code", func(a *access.Agency) { a.Code = "T" }},
		{"ErrCodeTooLong", "code", func(a *access.Agency) { a.Code = strings.Repeat("A", 33) }},
		{"ErrCodeSpace", "code", func(a *access.Agency) { a.Code = "TH CCIB" }},
		{"ErrNameRequired", "name", func(a *access.Agency) { a.Name = "  " }},
		{"ErrNameControl", "name", func(a *access.Agency) { a.Name = "Cyber\nCrime" }},
		{"ErrCountry", "country", func(a *access.Agency) { a.Country = "VN" }},
		{"ErrCountryEmpty", "country", func(a *access.Agency) { a.Country = "" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := ok
			c.edit(&a)
			_, err := e.reg.CreateAgency(e.ctx, "cli", a)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	t.Run("ErrByRequired", func(t *testing.T) {
		_, err := e.reg.CreateAgency(e.ctx, "", ok)
		wantErr(t, err, intel.EINVALID, "by")
	})
	if got := must(e.reg.ListAgencies(e.ctx))(t); len(got) != 0 {
		t.Fatalf("rejected agencies were stored: %v", got)
	}
}

func testAgencyCreateGetList(t *testing.T, e *env) {
	kh := e.mustAgency("KH-NPC", "National Police Commissariat", intel.RegionKH)
	th := e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	_, err := e.reg.CreateAgency(e.ctx, "cli", access.Agency{Code: "TH-CCIB", Name: "Other", Country: intel.RegionTH})
	wantErr(t, err, intel.ECONFLICT, "code")
	if got := must(e.reg.GetAgency(e.ctx, "TH-CCIB"))(t); got != th {
		t.Errorf("GetAgency = %+v, want %+v", got, th)
	}
	_, err = e.reg.GetAgency(e.ctx, "TH-NONE")
	wantErr(t, err, intel.ENOTFOUND, "code")
	got := must(e.reg.ListAgencies(e.ctx))(t)
	if len(got) != 2 || got[0] != kh || got[1] != th {
		t.Errorf("ListAgencies = %+v, want KH-NPC then TH-CCIB", got)
	}
}

func testKeyValidation(t *testing.T, e *env) {
	e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	for _, c := range []struct {
		name, by, agency string
		role             access.Role
		label            string
		ttl              time.Duration
		code, field      string
	}{
		{"ErrAgencyMalformed", "cli", "th", access.RoleAnalyst, "", 0, intel.EINVALID, "agency"},
		{"ErrAgencyUnknown", "cli", "TH-NONE", access.RoleAnalyst, "", 0, intel.ENOTFOUND, "agency"},
		{"ErrRole", "cli", "TH-CCIB", "SUPERUSER", "", 0, intel.EINVALID, "role"},
		{"ErrRoleEmpty", "cli", "TH-CCIB", "", "", 0, intel.EINVALID, "role"},
		{"ErrLabelTooLong", "cli", "TH-CCIB", access.RoleAnalyst, strings.Repeat("x", 201), 0, intel.EINVALID, "label"},
		{"ErrTTLNegative", "cli", "TH-CCIB", access.RoleAnalyst, "", -time.Hour, intel.EINVALID, "ttl"},
		{"ErrTTLTooLong", "cli", "TH-CCIB", access.RoleAnalyst, "", access.MaxKeyTTL + time.Hour, intel.EINVALID, "ttl"},
		{"ErrByRequired", "", "TH-CCIB", access.RoleAnalyst, "", 0, intel.EINVALID, "by"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, tok, err := e.reg.CreateKey(e.ctx, c.by, c.agency, c.role, c.label, c.ttl)
			wantErr(t, err, c.code, c.field)
			if tok != "" {
				t.Errorf("a rejected key came with a token")
			}
		})
	}
	if got := must(e.reg.ListKeys(e.ctx, ""))(t); len(got) != 0 {
		t.Fatalf("rejected keys were stored: %v", got)
	}
	_, err := e.reg.ListKeys(e.ctx, "TH-NONE")
	wantErr(t, err, intel.ENOTFOUND, "agency")
	_, err = e.reg.RevokeKey(e.ctx, "cli", "nothex", "lost")
	wantErr(t, err, intel.EINVALID, "id")
	_, err = e.reg.RevokeKey(e.ctx, "cli", "0123456789abcdef", "lost")
	wantErr(t, err, intel.ENOTFOUND, "id")
}

var tokenShape = regexp.MustCompile(`^sgk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$`)

func testKeyLifecycle(t *testing.T, e *env) {
	ag := e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	e.mustAgency("KH-NPC", "National Police Commissariat", intel.RegionKH)
	k, tok, err := e.reg.CreateKey(e.ctx, "cli", "TH-CCIB", access.RoleAnalyst, "workstation 3", 0)
	if err != nil {
		t.Fatal(err)
	}
	m := tokenShape.FindStringSubmatch(tok)
	if m == nil || m[1] != k.ID {
		t.Fatalf("token %q does not have the shape sgk_<id>_<secret> with id %s", tok, k.ID)
	}
	if k.Agency != "TH-CCIB" || k.Role != access.RoleAnalyst || k.Label != "workstation 3" ||
		!k.CreatedAt.Equal(start) || !k.ExpiresAt.Equal(start.Add(access.DefaultKeyTTL)) || !k.RevokedAt.IsZero() {
		t.Errorf("key = %+v", k)
	}
	if !k.Active(start) || k.Active(k.ExpiresAt) {
		t.Errorf("Active: want true now and false at expiry")
	}
	p, err := e.reg.Authenticate(e.ctx, tok, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Key != k || p.Agency != ag {
		t.Errorf("principal = %+v, want key %+v of %+v", p, k, ag)
	}
	other, _, _ := e.reg.CreateKey(e.ctx, "cli", "KH-NPC", access.RoleCoordinator, "", time.Hour)
	if keys := must(e.reg.ListKeys(e.ctx, "TH-CCIB"))(t); len(keys) != 1 || keys[0] != k {
		t.Errorf("ListKeys(TH-CCIB) = %+v, want just %s", keys, k.ID)
	}
	if keys := must(e.reg.ListKeys(e.ctx, ""))(t); len(keys) != 2 {
		t.Errorf("ListKeys() = %+v, want both keys", keys)
	}

	t.Run("ErrReasonRequired", func(t *testing.T) {
		_, err := e.reg.RevokeKey(e.ctx, "cli", k.ID, " ")
		wantErr(t, err, intel.EINVALID, "reason")
	})
	e.clock.Advance(time.Hour)
	revoked, err := e.reg.RevokeKey(e.ctx, "cli", k.ID, "workstation stolen")
	if err != nil {
		t.Fatal(err)
	}
	if !revoked.RevokedAt.Equal(start.Add(time.Hour)) || revoked.RevokeReason != "workstation stolen" || revoked.Active(e.clock.Now()) {
		t.Errorf("revoked key = %+v", revoked)
	}
	_, err = e.reg.Authenticate(e.ctx, tok, e.clock.Now())
	wantErr(t, err, intel.EUNAUTHENTICATED, "token")
	wantMessage(t, err, "key revoked on 2024-03-01T10:00:00Z")
	_, err = e.reg.RevokeKey(e.ctx, "cli", k.ID, "again")
	wantErr(t, err, intel.ECONFLICT, "id")
	if keys := must(e.reg.ListKeys(e.ctx, "TH-CCIB"))(t); len(keys) != 1 || keys[0] != revoked {
		t.Errorf("ListKeys after revoke = %+v, want the revoked key listed", keys)
	}
	if got := must(e.reg.ListKeys(e.ctx, "KH-NPC"))(t); len(got) != 1 || got[0] != other {
		t.Errorf("revoking one key touched another: %+v", got)
	}
}

func testKeyExpiry(t *testing.T, e *env) {
	e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	k, tok := must2(t)(e.reg.CreateKey(e.ctx, "cli", "TH-CCIB", access.RoleEnricher, "CDR feed", 90*time.Minute))
	if !k.ExpiresAt.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("ExpiresAt = %s, want now + ttl", k.ExpiresAt)
	}
	if _, err := e.reg.Authenticate(e.ctx, tok, start.Add(89*time.Minute)); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	_, err := e.reg.Authenticate(e.ctx, tok, start.Add(90*time.Minute))
	wantErr(t, err, intel.EUNAUTHENTICATED, "token")
	wantMessage(t, err, "key expired on 2024-03-01T10:30:00Z")
	long, _ := must2(t)(e.reg.CreateKey(e.ctx, "cli", "TH-CCIB", access.RoleEnricher, "", access.MaxKeyTTL))
	if !long.ExpiresAt.Equal(start.Add(access.MaxKeyTTL)) {
		t.Errorf("a two-year key expires %s", long.ExpiresAt)
	}
}

// must2 unwraps CreateKey's three results.
func must2(t *testing.T) func(access.Key, string, error) (access.Key, string) {
	return func(k access.Key, tok string, err error) (access.Key, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return k, tok
	}
}

func testAuthenticateRejects(t *testing.T, e *env) {
	e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	k, tok := must2(t)(e.reg.CreateKey(e.ctx, "cli", "TH-CCIB", access.RoleAnalyst, "", 0))
	secret := tok[len("sgk_")+17:]
	flipped := []byte(secret)
	if flipped[0] == 'A' {
		flipped[0] = 'B'
	} else {
		flipped[0] = 'A'
	}
	for _, c := range []struct{ name, token, message string }{
		{"Empty", "", "no API key"},
		{"Malformed", "Bearer abc", "malformed API key"},
		{"WrongPrefix", "xyz_" + tok[4:], "malformed API key"},
		{"Truncated", tok[:len(tok)-1], "malformed API key"},
		{"UpperCaseID", "sgk_" + strings.ToUpper(k.ID) + tok[20:], "malformed API key"},
		{"UnknownID", "sgk_0123456789abcdef_" + secret, "unknown API key"},
		{"WrongSecret", "sgk_" + k.ID + "_" + string(flipped), "unknown API key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := e.reg.Authenticate(e.ctx, c.token, e.clock.Now())
			wantErr(t, err, intel.EUNAUTHENTICATED, "token")
			wantMessage(t, err, c.message)
			if p != (access.Principal{}) {
				t.Errorf("a rejected token yielded a principal: %+v", p)
			}
		})
	}
}

func testKeyStoresOnlyAHash(t *testing.T, e *env) {
	e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	k, tok := must2(t)(e.reg.CreateKey(e.ctx, "cli", "TH-CCIB", access.RoleAnalyst, "", 0))
	docs := must(e.rec.Get(e.ctx, "keys", []string{k.ID}))(t)
	if len(docs) != 1 {
		t.Fatalf("key %s not stored under its id", k.ID)
	}
	if secret := tok[len("sgk_")+17:]; strings.Contains(string(docs[0].Data), secret) {
		t.Fatal("the stored key holds the token's secret")
	}
}

func testKeyRevokeRace(t *testing.T, e *env) {
	e.mustAgency("TH-CCIB", "Cyber Crime Investigation Bureau", intel.RegionTH)
	k, _ := must2(t)(e.reg.CreateKey(e.ctx, "cli", "TH-CCIB", access.RoleAnalyst, "", 0))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.reg.RevokeKey(e.ctx, "cli", k.ID, "rotation")
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch intel.ErrorCode(err) {
		case "":
			ok++
		case intel.ECONFLICT:
		default:
			t.Errorf("concurrent revoke: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent revokes succeeded, want exactly 1", ok)
	}
	entries := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{Operation: "revokeKey"}))(t)
	if len(entries) != 1 {
		t.Fatalf("%d revokeKey audit entries, want 1 (losers write nothing)", len(entries))
	}
}

// testTermsMatchTheirParts: the one-call read of a request's terms gives
// what Authenticate, SharedCategories and GrantsFor give one by one, and
// fails the same way for a bad key.
func testTermsMatchTheirParts(t *testing.T, e *env) {
	w := e.world()
	now := e.clock.Now()
	for _, name := range []string{"thCoord", "khCoord"} {
		tok := w.tokens[name]
		p, shared, grants, err := e.reg.Terms(e.ctx, tok, now)
		if err != nil {
			t.Fatal(err)
		}
		wantP := must(e.reg.Authenticate(e.ctx, tok, now))(t)
		wantShared := must(e.reg.SharedCategories(e.ctx, wantP.Agency.Country, now))(t)
		wantGrants := must(e.reg.GrantsFor(e.ctx, wantP.Agency.Code))(t)
		if !reflect.DeepEqual(p, wantP) || !reflect.DeepEqual(shared, wantShared) || !reflect.DeepEqual(grants, wantGrants) {
			t.Errorf("%s: Terms = %+v %v %v, want %+v %v %v", name, p, shared, grants, wantP, wantShared, wantGrants)
		}
		if len(shared) == 0 {
			t.Errorf("%s: no shared categories under an active agreement", name)
		}
	}
	_, _, _, err := e.reg.Terms(e.ctx, "sgk_nope", now)
	wantErr(t, err, intel.EUNAUTHENTICATED, "token")
}
