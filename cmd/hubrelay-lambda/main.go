// Command hubrelay-lambda is hubrelay as an AWS Lambda function (runtime
// provided.al2023, built with -tags lambda.norpc). It reads its config from
// HUBRELAY_CONFIG, opens the PostgreSQL store, and hands every invocation
// to internal/source/lambda; see that package for the inputs it takes.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // time zones load on images without a zone database

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/members"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/service"
	lambdasource "github.com/hubrelay/hubrelay/internal/source/lambda"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	reg := destinations.Registry()
	cfg, err := lambdasource.LoadConfig(os.Getenv(lambdasource.EnvConfig),
		config.WithNow(time.Now()),
		config.WithDestinationTypes(func(typ string, st *config.Settings) error { return reg.Check(typ, st) }),
		config.WithNoticeTypes(reg.Notices))
	if err != nil {
		log.Error("hubrelay-lambda: config", slog.String("error", err.Error()))
		os.Exit(1)
	}
	log = notify.NewRedactor(cfg.Secrets()...).Logger(log)
	svc, err := service.Open(context.Background(), cfg, service.Options{Registry: reg, Log: log, CloudTrail: cloudTrail(cfg, log)})
	if err != nil {
		log.Error("hubrelay-lambda: open", slog.String("error", err.Error()))
		os.Exit(1)
	}
	h, err := lambdasource.New(lambdasource.Options{
		Ingester: svc.Ingester(),
		Queue:    svc.Queue(),
		Counts:   svc.Store().Counts,
		Log:      log,
	})
	if err != nil {
		log.Error("hubrelay-lambda: handler", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(h.Invoke)
}

// cloudTrail makes member monitoring's CloudTrail alerts work when the
// EventBridge rule invokes the function directly: a leave is told at once.
// The daily member check and reports are scheduled jobs of `hubrelay
// serve`; the function does not run them.
func cloudTrail(cfg *config.Config, log *slog.Logger) func(*service.Service) (func(context.Context, []byte) error, error) {
	m := cfg.Members
	if m == nil || !m.CloudTrail {
		return nil
	}
	return func(svc *service.Service) (func(context.Context, []byte) error, error) {
		sh, err := securityhub.New(context.Background(), securityhub.Options{Region: cfg.SecurityHub.Region, Log: log})
		if err != nil {
			return nil, err
		}
		mon, err := members.New(sh, svc.Store(), svc, members.Options{
			To: m.To, NoChange: m.NoChange, Language: m.Language, Location: m.Location, Schedule: m.Schedule, Log: log})
		if err != nil {
			return nil, err
		}
		return mon.HandleEvent, nil
	}
}
