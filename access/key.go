package access

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Role is what a key may do. Roles are coarse on purpose: what a reader may
// see is decided by agreements, grants and visibility, not by the role.
type Role string

// The roles.
const (
	// RoleAnalyst reads the graph: investigators in the explorer.
	RoleAnalyst Role = "ANALYST"
	// RoleEnricher pushes records in bulk: automated jobs.
	RoleEnricher Role = "ENRICHER"
	// RoleCoordinator makes and answers evidence requests under an
	// agreement, as the 2022 agreement's appointed coordinators do.
	RoleCoordinator Role = "COORDINATOR"
	// RoleAdmin manages agencies, keys and agreements.
	RoleAdmin Role = "ADMIN"
)

// Roles lists every role in a fixed order, for usage texts and validation.
var Roles = []Role{RoleAnalyst, RoleEnricher, RoleCoordinator, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, known := range Roles {
		if r == known {
			return true
		}
	}
	return false
}

// Key is an API key as callers see it. The token it was issued as is shown
// once, by CreateKey; only a hash of it is stored, and never leaves this
// package.
type Key struct {
	// ID is the public part of the token; audit entries name keys by it.
	ID     string
	Agency string
	Role   Role
	// Label says what the key is for ("analyst workstation 3", "CDR feed").
	Label     string
	CreatedAt time.Time
	ExpiresAt time.Time
	// RevokedAt is zero while the key is not revoked.
	RevokedAt    time.Time
	RevokeReason string
}

// Active reports whether the key may authenticate at now.
func (k Key) Active(now time.Time) bool {
	return k.RevokedAt.IsZero() && now.Before(k.ExpiresAt)
}

// Principal is who makes a request: the authenticated key and its agency.
type Principal struct {
	Key    Key
	Agency Agency
}

// keyRecord is a key as stored. The agency is copied in (agencies never
// change) so that Authenticate is a single lookup by key id.
type keyRecord struct {
	Key    Key    `json:"key"`
	Hash   string `json:"hash"` // hex SHA-256 of the whole token
	Agency Agency `json:"agency"`
}

// Key lifetimes. A key that is never rotated is a key that leaks sooner or
// later, so every key expires; two years is the longest an agency may ask.
const (
	DefaultKeyTTL = 365 * 24 * time.Hour
	MaxKeyTTL     = 2 * 365 * 24 * time.Hour
)

// CreateKey issues a key for agency with the given role and returns it with
// its token. The token is returned only here: store it now, it cannot be
// shown again. ttl 0 means DefaultKeyTTL; at most MaxKeyTTL. by names who
// issues it, for the audit log.
func (r *Registry) CreateKey(ctx context.Context, by string, agency string, role Role, label string, ttl time.Duration) (Key, string, error) {
	if err := checkAgencyCode("agency", agency); err != nil {
		return Key{}, "", err
	}
	if !role.Valid() {
		return Key{}, "", intel.Errorf(intel.EINVALID, "role", "unknown role %q (want one of %v)", role, Roles)
	}
	if err := checkText("label", label, maxShortText, false); err != nil {
		return Key{}, "", err
	}
	switch {
	case ttl == 0:
		ttl = DefaultKeyTTL
	case ttl < 0:
		return Key{}, "", intel.Errorf(intel.EINVALID, "ttl", "must be positive, got %s", ttl)
	case ttl > MaxKeyTTL:
		return Key{}, "", intel.Errorf(intel.EINVALID, "ttl", "is %s; a key lives at most %s (2 years)", ttl, MaxKeyTTL)
	}
	who, err := r.byActor(ctx, by)
	if err != nil {
		return Key{}, "", err
	}
	var ag Agency
	if _, err := r.getDoc(ctx, collAgencies, agency, "agency", "agency", &ag); err != nil {
		return Key{}, "", err
	}
	// A fresh id per attempt: a clash of 64 random bits is all but
	// impossible, but if it happens the version check catches it.
	for attempt := 0; attempt < maxAttempts; attempt++ {
		tok, err := newToken()
		if err != nil {
			return Key{}, "", err
		}
		now := r.clock()
		k := Key{ID: tok.id, Agency: ag.Code, Role: role, Label: label, CreatedAt: now, ExpiresAt: normTime(now.Add(ttl))}
		p, err := put(collKeys, k.ID, 0, keyRecord{Key: k, Hash: tok.hash(), Agency: ag})
		if err != nil {
			return Key{}, "", err
		}
		audit := r.auditFor(ctx, who, OpCreateKey, KindAdmin, nil,
			fmt.Sprintf("key %s for agency %s, role %s, expires %s", k.ID, k.Agency, k.Role, k.ExpiresAt.Format(time.RFC3339)))
		_, err = r.rec.Commit(ctx, []Put{p}, audit)
		if errors.Is(err, ErrVersionMismatch) {
			continue
		}
		if err != nil {
			return Key{}, "", err
		}
		return k, tok.String(), nil
	}
	return Key{}, "", fmt.Errorf("access: no free key id after %d attempts", maxAttempts)
}

// ListKeys returns the keys of agency (every key when agency is ""),
// ordered by creation time and id. Revoked and expired keys are listed
// too, so that an administrator sees the whole history.
func (r *Registry) ListKeys(ctx context.Context, agency string) ([]Key, error) {
	if agency != "" {
		if err := checkAgencyCode("agency", agency); err != nil {
			return nil, err
		}
		var ag Agency
		if _, err := r.getDoc(ctx, collAgencies, agency, "agency", "agency", &ag); err != nil {
			return nil, err
		}
	}
	recs, err := listDocs[keyRecord](ctx, r.rec, collKeys)
	if err != nil {
		return nil, err
	}
	out := []Key{}
	for _, kr := range recs {
		if agency == "" || kr.Key.Agency == agency {
			out = append(out, kr.Key)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RevokeKey revokes key id for the given reason, at once and for good; a
// revoked key cannot be restored, only replaced. by names who revokes it.
func (r *Registry) RevokeKey(ctx context.Context, by, id, reason string) (Key, error) {
	if !validKeyID(id) {
		return Key{}, intel.Errorf(intel.EINVALID, "id", "%q is not a key id (16 lower-case hex digits)", id)
	}
	if err := checkText("reason", reason, maxLongText, true); err != nil {
		return Key{}, err
	}
	who, err := r.byActor(ctx, by)
	if err != nil {
		return Key{}, err
	}
	return retry(ctx, func() (Key, error) {
		var kr keyRecord
		version, err := r.getDoc(ctx, collKeys, id, "id", "key", &kr)
		if err != nil {
			return Key{}, err
		}
		if !kr.Key.RevokedAt.IsZero() {
			return Key{}, intel.Errorf(intel.ECONFLICT, "id", "key %s was already revoked on %s", id, kr.Key.RevokedAt.Format(time.RFC3339))
		}
		kr.Key.RevokedAt = r.clock()
		kr.Key.RevokeReason = reason
		p, err := put(collKeys, id, version, kr)
		if err != nil {
			return Key{}, err
		}
		audit := r.auditFor(ctx, who, OpRevokeKey, KindAdmin, nil,
			fmt.Sprintf("key %s of agency %s: %s", id, kr.Key.Agency, reason))
		if _, err := r.rec.Commit(ctx, []Put{p}, audit); err != nil {
			return Key{}, err
		}
		return kr.Key, nil
	})
}
