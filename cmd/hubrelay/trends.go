package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/spf13/cobra"
)

// defaultTrendDays is the period `trends` shows without --from: the last
// 30 days, today included.
const defaultTrendDays = 30

func newTrendsCommand(s streams) *cobra.Command {
	var (
		configPath, project, from, to, output, what string
		days                                        int
	)
	cmd := &cobra.Command{
		Use:   "trends",
		Short: "Show open findings per day, new and resolved per week and time to resolve",
		Long: `trends reads the finding history kept in the store (no AWS call) and shows,
for each project of the config (or --project NAME), and first for all
accounts when no --project is given:
  daily   findings open at the end of each day, by severity
  weekly  new, reopened, resolved and suppressed findings per ISO week (Monday start)
  mttr    episodes resolved in the period and their mean and median time to
          resolve, by severity (suppressed findings are not resolved)

Days are calendar days in the project's time zone (else the config's).
The period is --from to --to, both included (YYYY-MM-DD or YYYY/MM/DD;
--to defaults to today), or the --days days ending with --to (default 30).

--output table (default: daily, weekly and mttr, or the --what table;
Japanese or English by the config's language), json (every table, for
scripts) or csv (the --what table, default daily, UTF-8 with a BOM so that
Excel reads it).

Exit status: 0 success; 1 the store could not be opened or read; 2 invalid
config or flags, or an unknown project.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := checkTrendsFlags(output, what)
			if err != nil {
				return err
			}
			var fromDate, toDate *civilDate
			if from != "" {
				if fromDate, err = parseDate("--from", from); err != nil {
					return err
				}
			}
			if to != "" {
				if toDate, err = parseDate("--to", to); err != nil {
					return err
				}
			}
			if from != "" && cmd.Flags().Changed("days") {
				return fail(exitInvalid, "--from and --days: give one of them")
			}
			if days < 1 || days > trend.MaxDays {
				return fail(exitInvalid, "--days: want 1 to %d, got %d", trend.MaxDays, days)
			}
			cfg, err := loadConfig(configPath, time.Now())
			if err != nil {
				return err
			}
			start, end, err := trendPeriod(fromDate, toDate, days, time.Now().In(cfg.Location))
			if err != nil {
				return err
			}
			qs, lang, err := trendQueries(cfg, project, start, end)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), cfg.Store)
			if err != nil {
				return fail(exitNegative, "store: %w", err)
			}
			defer st.Close()
			sums, err := trend.ComputeAll(cmd.Context(), st, qs)
			if err != nil {
				return fail(exitNegative, "trends: %w", err)
			}
			return writeTrends(s.out, sums, out, what, lang)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	_ = cmd.MarkFlagRequired("config")
	cmd.Flags().StringVar(&project, "project", "", "only this project (default: all accounts, then every project)")
	cmd.Flags().StringVar(&from, "from", "", "first day (YYYY-MM-DD); default --days before --to")
	cmd.Flags().StringVar(&to, "to", "", "last day, included (YYYY-MM-DD); default today")
	cmd.Flags().IntVar(&days, "days", defaultTrendDays, "the number of days ending with --to, when --from is not given")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table, json or csv")
	cmd.Flags().StringVar(&what, "what", "", "table: daily, weekly or mttr (default: all three for table, daily for csv)")
	return cmd
}

// checkTrendsFlags validates --output and --what and returns the output.
func checkTrendsFlags(output, what string) (string, error) {
	switch output {
	case "table", "json", "csv":
	default:
		return "", fail(exitInvalid, "--output: want table, json or csv, got %q", output)
	}
	if what != "" && !containsString(trend.Tables(), what) {
		return "", fail(exitInvalid, "--what: want one of %s, got %q", strings.Join(trend.Tables(), ", "), what)
	}
	return output, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// civilDate is a calendar day without a time zone.
type civilDate struct {
	year  int
	month time.Month
	day   int
}

// at returns the midnight that starts the day in loc.
func (d civilDate) at(loc *time.Location) time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, loc)
}

func (d civilDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day) }

// parseDate reads a date flag: YYYY-MM-DD or YYYY/MM/DD, a real calendar
// day. Errors name the flag and say what is wanted.
func parseDate(flag, s string) (*civilDate, error) {
	v := strings.TrimSpace(s)
	if strings.Count(v, "/") == 2 && !strings.Contains(v, "-") {
		v = strings.ReplaceAll(v, "/", "-")
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, fail(exitInvalid, "%s: want a date as YYYY-MM-DD or YYYY/MM/DD, got %q", flag, s)
	}
	return &civilDate{t.Year(), t.Month(), t.Day()}, nil
}

// trendPeriod returns the first and last day (both included) from the
// flags: --to or today, and --from or the --days days ending with --to.
func trendPeriod(from, to *civilDate, days int, now time.Time) (start, end civilDate, err error) {
	end = civilDate{now.Year(), now.Month(), now.Day()}
	if to != nil {
		end = *to
	}
	if from != nil {
		start = *from
	} else {
		t := end.at(time.UTC).AddDate(0, 0, -(days - 1))
		start = civilDate{t.Year(), t.Month(), t.Day()}
	}
	first, last := start.at(time.UTC), end.at(time.UTC)
	switch {
	case first.After(last):
		return start, end, fail(exitInvalid, "--from %s is after --to %s", start, end)
	case last.Sub(first) >= trend.MaxDays*24*time.Hour:
		return start, end, fail(exitInvalid, "--from %s to --to %s: at most %d days", start, end, trend.MaxDays)
	}
	return start, end, nil
}

// trendQueries returns the queries for the period, and the language of
// the output: with project, that project alone (its language); without,
// all accounts and then every project (the config's language). Each
// project's days are in its own time zone.
func trendQueries(cfg *config.Config, project string, start, end civilDate) ([]trend.Query, string, error) {
	query := func(name string, accounts []string, loc *time.Location) trend.Query {
		if loc == nil {
			loc = cfg.Location
		}
		return trend.Query{Project: name, Accounts: accounts, Location: loc,
			From: start.at(loc), To: civilDate{end.year, end.month, end.day + 1}.at(loc)}
	}
	if project != "" {
		var names []string
		for _, p := range cfg.Projects {
			if p.Name == project {
				return []trend.Query{query(p.Name, p.Accounts, p.Location)}, orDefault(p.Language, cfg.Language), nil
			}
			names = append(names, p.Name)
		}
		if len(names) == 0 {
			return nil, "", fail(exitInvalid, "--project %q: the config has no projects", project)
		}
		return nil, "", fail(exitInvalid, "--project %q: not in the config (projects: %s)", project, strings.Join(names, ", "))
	}
	qs := []trend.Query{query("", nil, cfg.Location)}
	for _, p := range cfg.Projects {
		qs = append(qs, query(p.Name, p.Accounts, p.Location))
	}
	return qs, cfg.Language, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// writeTrends writes the summaries in the chosen output.
func writeTrends(w io.Writer, sums []*trend.Summary, output, what, lang string) error {
	if lang != "ja" {
		lang = "en"
	}
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sums); err != nil {
			return fail(exitNegative, "trends: %w", err)
		}
		return nil
	case "csv":
		if what == "" {
			what = trend.Daily
		}
		if _, err := io.WriteString(w, trend.ExcelBOM); err != nil {
			return fail(exitNegative, "trends: %w", err)
		}
		if err := trend.WriteCSVAll(w, sums, what, lang); err != nil {
			return fail(exitNegative, "trends: %w", err)
		}
		return nil
	}
	tables := trend.Tables()
	if what != "" {
		tables = []string{what}
	}
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, tableTitle(t, lang))
		if err := trend.WriteTable(w, sums, t, lang); err != nil {
			return fail(exitNegative, "trends: %w", err)
		}
	}
	return nil
}

// tableTitle heads one table of the table output.
func tableTitle(what, lang string) string {
	titles := map[string][2]string{ // what → {en, ja}
		trend.Daily:  {"== Open findings at the end of each day ==", "== 日ごとの未解決件数 (その日の終わり時点) =="},
		trend.Weekly: {"== New and resolved per week ==", "== 週ごとの新規・解決件数 =="},
		trend.MTTR:   {"== Time to resolve ==", "== 解決までの時間 =="},
	}
	if lang == "ja" {
		return titles[what][1]
	}
	return titles[what][0]
}
