package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
)

// Backup lets an ADMIN key copy the whole store (write runs the copy),
// and audits it as the operator's work: a backup holds every agency's
// facts, whatever their marking, so it is the deployment's operator's
// tool and the log says who took one and when.
func (s *Service) Backup(ctx context.Context, c *Caller, write func(context.Context) error) (err error) {
	defer func() { c.finish(access.OpBackup, err) }()
	if err = c.allow(access.OpBackup); err != nil {
		return err
	}
	return write(ctx)
}
