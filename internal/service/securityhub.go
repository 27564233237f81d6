package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/queue"
	"github.com/hubrelay/hubrelay/internal/securityhub"
)

// securityHubClient returns the client for region: given (tests, the
// demo) when it serves that region, else a new one from the AWS SDK's
// default chain.
func securityHubClient(ctx context.Context, given *securityhub.Client, region string, log *slog.Logger) (*securityhub.Client, error) {
	if given != nil && (region == "" || region == given.Region()) {
		return given, nil
	}
	return securityhub.New(ctx, securityhub.Options{Region: region, Log: log})
}

// marker is the queue's Marker for securityhub.mark_notified, or nil when
// the config does not ask for feedback.
func marker(ctx context.Context, cfg *config.Config, given *securityhub.Client, log *slog.Logger) (queue.Marker, error) {
	if !cfg.SecurityHub.MarkNotified {
		return nil, nil
	}
	c, err := securityHubClient(ctx, given, cfg.SecurityHub.Region, log)
	if err != nil {
		return nil, err
	}
	u, err := securityhub.NewUpdater(c, securityhub.UpdaterOptions{
		MarkNotified: true,
		Note:         cfg.SecurityHub.Note,
		TicketFields: cfg.SecurityHub.TicketFields,
		Log:          log,
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// poller is the poller of sources.poll (GetFindings, or GetFindingsV2 with
// api: v2), committing through the service's ingester, or nil when the
// config has no sources.poll.
func (s *Service) poller(ctx context.Context, given *securityhub.Client) (*securityhub.Poller, error) {
	p := s.cfg.Sources.Poll
	if p == nil {
		return nil, nil
	}
	region := p.Region
	if region == "" {
		region = s.cfg.SecurityHub.Region
	}
	c, err := securityHubClient(ctx, given, region, s.log)
	if err != nil {
		return nil, err
	}
	sink := securityhub.SinkFunc(func(ctx context.Context, source string, items []finding.Item) error {
		_, err := s.ingester.Items(ctx, source, items)
		return err
	})
	poller, err := securityhub.NewPoller(c, sink, s.store, securityhub.PollerOptions{
		Filters:  p.Filters,
		V2:       p.API == config.PollAPIv2,
		Interval: p.Interval,
		Log:      s.log,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: sources.poll: %w", p.Pos, err)
	}
	return poller, nil
}

// Poll runs the poller of sources.poll once, every query to its last page,
// committing what it reads through the ingester, and returns what it read:
// for batch runs and tests, where Serve polls on a schedule. It fails when
// the config has no sources.poll. Runs of one poller happen one at a time,
// so a Poll during Serve waits for the scheduled run in progress.
func (s *Service) Poll(ctx context.Context) (securityhub.PollResult, error) {
	if s.poll == nil {
		return securityhub.PollResult{}, errors.New("service: no sources.poll in the config")
	}
	return s.poll.Poll(ctx)
}
