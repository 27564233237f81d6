package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/members"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/service"
)

// scheduledWork is what serve adds to the service for member monitoring
// and per-project reports: the scheduled jobs, the CloudTrail hook, the
// local report links and the Security Hub client they share.
type scheduledWork struct {
	SecurityHub *securityhub.Client
	Jobs        service.Jobs
	CloudTrail  func(svc *service.Service) (func(context.Context, []byte) error, error)
	Handlers    map[string]http.Handler
	close       []func() error
}

// Close releases the report archive.
func (w *scheduledWork) Close() error {
	var errs []error
	for _, c := range w.close {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// newScheduledWork wires cfg.Members and cfg.Projects; with neither, the
// zero scheduledWork (nothing added). sh is the Security Hub client to
// use; nil builds one from the AWS SDK's default chain when needed.
func newScheduledWork(ctx context.Context, cfg *config.Config, sh *securityhub.Client, log *slog.Logger) (*scheduledWork, error) {
	w := &scheduledWork{SecurityHub: sh}
	if cfg.Members == nil && len(cfg.Projects) == 0 {
		return w, nil
	}
	if w.SecurityHub == nil {
		c, err := securityhub.New(ctx, securityhub.Options{Region: cfg.SecurityHub.Region, Log: log})
		if err != nil {
			return nil, err
		}
		w.SecurityHub = c
	}
	var st *reportStorage
	if len(cfg.Projects) > 0 && cfg.Reports != nil && (cfg.Reports.Storage.Local != nil || cfg.Reports.Storage.S3 != nil) {
		var err error
		if st, err = openReportStorage(ctx, cfg, log); err != nil {
			return nil, err
		}
		w.close = append(w.close, st.Close)
		if st.Handler != nil {
			w.Handlers = map[string]http.Handler{"/reports/": st.Handler}
		}
	}
	// The monitor needs the service (its store and queue), which exists
	// only inside service.Open: CloudTrail (called first) or Jobs builds it.
	var mon *members.Monitor
	monitor := func(svc *service.Service) (*members.Monitor, error) {
		if mon != nil {
			return mon, nil
		}
		m, err := newMembersMonitor(ctx, cfg, w.SecurityHub, svc.Store(), svc, log)
		mon = m
		return m, err
	}
	if cfg.Members != nil && cfg.Members.CloudTrail {
		w.CloudTrail = func(svc *service.Service) (func(context.Context, []byte) error, error) {
			m, err := monitor(svc)
			if err != nil {
				return nil, err
			}
			return m.HandleEvent, nil
		}
	}
	var reports service.Jobs
	if len(cfg.Projects) > 0 {
		reports = reportJobs(cfg, st, w.SecurityHub, log)
	}
	w.Jobs = func(svc *service.Service) ([]schedule.Job, error) {
		var jobs []schedule.Job
		if cfg.Members != nil {
			m, err := monitor(svc)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, m.Job())
		}
		if reports != nil {
			rj, err := reports(svc)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, rj...)
		}
		return jobs, nil
	}
	return w, nil
}
