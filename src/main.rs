//! `parallax`: see one news event through every outlet that reported it.
//!
//! Thin glue over the library crates: argument parsing, the store location, progress and error
//! reporting. The work happens in `parallax-pipeline` and the stages it drives.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use parallax_pipeline::{Engine, EngineConfig, Event, IngestSummary};
use parallax_report::{json, Format};
use parallax_store::{ArticleStore, CorrectionStore, FeedStore};
use parallax_stores::AnyStore;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

mod work;

// Ingest allocates many small strings on every core; glibc's allocator was a fifth of the profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "parallax",
    version,
    about = "See one news event through every outlet that reported it.",
    long_about = "parallax ingests news articles (saved HTML pages, plain-text page dumps, JSONL), extracts the \
article from the page chrome, links copies to their origin, groups articles about the same event into stories, \
and compares the sources claim by claim: what is corroborated by independent outlets, what only one outlet \
reports, what is contradicted, and on whose word each claim rests.",
    after_help = "EXAMPLES:\n  parallax analyze examples/ferry                # ingest and report the bundled example story\n  \
parallax analyze --format json feed.jsonl       # machine-readable report\n  \
parallax extract page.html                      # just the article: title, byline, date, text\n  \
parallax stories                                # what the store holds\n\n\
The store is an SQLite file: --db PATH, or $PARALLAX_DB, or $XDG_DATA_HOME/parallax/parallax.db \
(~/.local/share/parallax/parallax.db). Files beside it named PATH-engine.* hold the engine's state \
between runs; without them the next run rebuilds it from the store (and says so), placing articles the same way. \
One writer at a time: a second ingest waits for the first; Ctrl-C stores what was read, saves the state and exits 130."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// Store to use: an SQLite file (created if missing), or a PostgreSQL server as
    /// postgres://USER@HOST:PORT/DATABASE (schema made on first use). Default: $PARALLAX_DB,
    /// else $XDG_DATA_HOME/parallax/parallax.db
    #[arg(long, value_name = "PATH|URL", global = true)]
    db: Option<PathBuf>,
    /// Similarity an article needs to join an existing story (0-1; default 0.16). Higher splits
    /// more. A story whose members are close needs a newcomer nearly as close (see
    /// --story-cohesion).
    #[arg(long, value_name = "SIM", global = true)]
    story_threshold: Option<f32>,
    /// Articles further apart than this many days never share a story; 0 turns the window off.
    #[arg(long, value_name = "DAYS", global = true)]
    story_window: Option<f64>,
    /// How close to a story's members a newcomer must come, as a share of their mean joining
    /// similarity, the threshold counted as one join more (0-1; default 0.8; 0 turns it off).
    #[arg(long, value_name = "SHARE", global = true)]
    story_cohesion: Option<f32>,
    /// A story that already holds a report from the article's outlet needs this many times the
    /// similarity (default 2; 1 turns it off): an outlet's next article on a topic is usually
    /// the next event.
    #[arg(long, value_name = "FACTOR", global = true)]
    story_same_outlet: Option<f32>,
    /// Days past the window in which a story may still be joined, by an article that needs
    /// --story-late-factor more similarity per day past it, and only while no story inside its
    /// window resembles the article (default 1; 0 keeps the window hard).
    #[arg(long, value_name = "DAYS", global = true)]
    story_late_days: Option<f64>,
    /// See --story-late-days: the share of extra similarity needed per day past the window
    /// (default 1.3).
    #[arg(long, value_name = "SHARE", global = true)]
    story_late_factor: Option<f32>,
    /// Also compare stories by meaning with a sentence-embedding model in DIR
    /// (model.safetensors, tokenizer.json, config.json; scripts/fetch-model.sh fetches
    /// all-MiniLM-L6-v2). Needs a build with `--features embed`. Off by default; slow
    /// (about 20 articles a second per core).
    #[arg(long, value_name = "DIR", global = true, env = "PARALLAX_EMBED_MODEL")]
    embed_model: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct FetchArgs {
    /// Also fetch from private, loopback and link-local addresses (a server on your own
    /// network; tests). Off by default, also after redirects.
    #[arg(long)]
    allow_private: bool,
    /// Least seconds between two requests to one host.
    #[arg(long, value_name = "SECONDS", default_value = "1")]
    delay: f64,
    /// Largest response body, in megabytes, after decompression.
    #[arg(long, value_name = "MB", default_value = "15")]
    max_mb: u64,
    /// Seconds a request may take, body included.
    #[arg(long, value_name = "SECONDS", default_value = "30")]
    timeout: u64,
}

impl FetchArgs {
    fn config(&self) -> Result<parallax_fetch::FetchConfig> {
        if !(0.0..=3600.0).contains(&self.delay) {
            bail!("--delay must be between 0 and 3600 seconds");
        }
        Ok(parallax_fetch::FetchConfig {
            allow_private: self.allow_private,
            host_delay: std::time::Duration::from_secs_f64(self.delay),
            max_bytes: self.max_mb.saturating_mul(1024 * 1024),
            total_timeout: std::time::Duration::from_secs(self.timeout.max(1)),
            ..Default::default()
        })
    }

    fn fetcher(&self) -> Result<std::sync::Arc<parallax_fetch::Fetcher>> {
        Ok(std::sync::Arc::new(parallax_fetch::Fetcher::new(self.config()?)))
    }
}

#[derive(Args, Clone)]
struct ProfileArgs {
    /// Your outlet profiles (TOML): per outlet a name, domains, aliases, country, ownership and
    /// groups (lean labels or any grouping). Reports then show coverage by group and the groups
    /// that missed a story. See examples/ferry/outlets.toml.
    #[arg(long, value_name = "FILE", env = "PARALLAX_OUTLETS")]
    outlets: Option<PathBuf>,
}

impl ProfileArgs {
    fn load(&self) -> Result<Option<parallax_model::OutletProfiles>> {
        let Some(path) = &self.outlets else { return Ok(None) };
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read the outlet profiles", path.display()))?;
        let profiles: parallax_model::OutletProfiles =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: not valid outlet profiles: {e}", path.display()))?;
        Ok(Some(profiles))
    }

    /// Adds coverage by group to each report, when a profile file was given.
    fn apply(&self, reports: &mut [parallax_model::StoryReport]) -> Result<()> {
        if let Some(p) = self.load()? {
            for r in reports {
                r.apply_profiles(&p);
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
enum Command {
    /// Ingest inputs and print the report for every story that contains them.
    ///
    /// INPUT is a file, a directory (read recursively), or - for stdin; .gz is read
    /// transparently. By extension: .html/.htm are saved pages, .txt are plain-text page dumps,
    /// .jsonl holds one article per line (id, url, source, title, text or html, date).
    Analyze {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        profiles: ProfileArgs,
        /// Report format: text and md for people, json for programs (docs/json-schema.md), html
        /// for a browser, csv for the claim matrix in a spreadsheet.
        #[arg(long, short, default_value = "text", value_parser = parse_format)]
        format: Format,
        /// Write the report here instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Extract the article from each input without storing anything.
    ///
    /// One document prints one JSON object; several print JSON Lines. Keys: input, title,
    /// byline, published, language, outlet, url, text (paragraphs separated by a blank line).
    Extract {
        #[arg(long, short, value_enum, default_value = "json")]
        format: ExtractFormat,
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Fetch and ingest from the web: feeds, OPML subscriptions, sitemaps, pages and WARC files.
    ///
    /// SOURCE is a feed URL (RSS 0.9x/1.0/2.0, Atom, JSON Feed), a sitemap or news sitemap URL,
    /// a page URL, a local OPML file (every feed in it is fetched), a local feed or sitemap
    /// file, or a local .warc/.warc.gz file (CC-NEWS, for example). A feed item that carries
    /// the whole article is used as it is; otherwise its page is fetched and extracted. Pages
    /// found through sitemaps are fetched only where robots.txt allows. Private, loopback and
    /// link-local addresses are refused, also after redirects, unless --allow-private.
    ///
    /// Examples:
    ///   parallax add https://example.org/rss.xml
    ///   parallax add subscriptions.opml
    ///   parallax add CC-NEWS-20240101000000-00000.warc.gz
    Add {
        #[command(flatten)]
        store: StoreArgs,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        fetch: FetchArgs,
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<String>,
    },
    /// Poll every followed feed (see `parallax add` and `parallax feeds`) and ingest what is
    /// new, until stopped (Ctrl-C keeps everything fetched).
    ///
    /// Each feed is polled as often as it publishes (a week over its items of the last week,
    /// between 5 minutes and a day), never sooner than its ttl, Cache-Control or Retry-After
    /// ask, with conditional requests (ETag, Last-Modified). A failing feed backs off (15
    /// minutes doubling up to a day) and is never dropped; `parallax feeds` shows its error.
    ///
    /// Examples:
    ///   parallax watch
    ///   parallax watch --once --json     # one round of the feeds that are due, then exit
    Watch {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        fetch: FetchArgs,
        /// Poll the feeds that are due once and exit.
        #[arg(long)]
        once: bool,
        /// With --once: poll every enabled feed, due or not.
        #[arg(long)]
        all: bool,
        /// Print each round's summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the followed feeds with their status, last error and next check; enable, disable
    /// or export them.
    ///
    /// Examples:
    ///   parallax feeds
    ///   parallax feeds --disable https://example.org/rss.xml
    ///   parallax feeds --opml > subscriptions.opml
    Feeds {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
        /// Write the followed feeds as OPML.
        #[arg(long, conflicts_with = "json")]
        opml: bool,
        #[arg(long, value_name = "URL")]
        enable: Vec<String>,
        #[arg(long, value_name = "URL")]
        disable: Vec<String>,
    },
    /// Ingest inputs into the store without printing reports.
    ///
    /// With --queue (a PostgreSQL store only), the documents are only read and queued for the
    /// workers (`parallax work`), which prepare and place them:
    ///   parallax ingest --db postgres://parallax@db/news --queue dumps/
    Ingest {
        #[command(flatten)]
        store: StoreArgs,
        /// Queue the documents for `parallax work` instead of ingesting them here.
        #[arg(long, conflicts_with = "assignments")]
        queue: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Also write where each document went, one line each:
        /// input<TAB>article<TAB>story<TAB>duplicate_of (empty when none).
        #[arg(long, value_name = "FILE")]
        assignments: Option<PathBuf>,
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// List the stories in the store, largest first, each with its storyline (see `parallax
    /// storylines`).
    ///
    /// With --outlets FILE --missed-by GROUP, only the stories no outlet of GROUP covers:
    /// parallax stories --outlets outlets.toml --missed-by right
    Stories {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        profiles: ProfileArgs,
        /// Only stories that no outlet of this group (from --outlets) covers.
        #[arg(long, value_name = "GROUP", requires = "outlets")]
        missed_by: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        storyline: StorylineArgs,
        /// Leave out each story's storyline: they are derived from every stored article, which
        /// takes seconds in a store of hundreds of thousands.
        #[arg(long)]
        no_storylines: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the storylines: stories about one ongoing matter, linked across days.
    ///
    /// A storyline ties consecutive stories (a vote's eve and its result, the days of a trial,
    /// the phases of a war); the stories stay separate. Each storyline lists its stories in the
    /// order of their first report, with their dates: what a timeline draws.
    ///
    /// parallax storylines
    /// parallax storylines --json
    Storylines {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        storyline: StorylineArgs,
        #[arg(long)]
        json: bool,
    },
    /// Compare the inputs as one story, claim by claim, without storing anything.
    ///
    /// For articles you already know report one event: no story clustering, so every input is
    /// compared with every other. Copies (the same text) count as one source.
    Compare {
        #[command(flatten)]
        profiles: ProfileArgs,
        #[arg(long, short, default_value = "text", value_parser = parse_format)]
        format: Format,
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Judge sentence pairs: same claim, contradicting, related or unrelated.
    ///
    /// FILE holds JSON Lines {"id", "a", "b"} (- for stdin); each prints
    /// {"id", "relation", "same", "score", "reasons"}: relation is same|contradicts|related|unrelated,
    /// same the paraphrase decision, score P(same). Word weights come from the whole file, so
    /// judge a batch together.
    ///
    /// Example: parallax pairs pairs.jsonl > verdicts.jsonl
    Pairs {
        /// Output format (JSON Lines is the only one).
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl"])]
        format: String,
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Stance of a text towards a claim: agree, disagree, discuss or unrelated.
    ///
    /// FILE holds JSON Lines {"id", "claim", "text"} (- for stdin); each prints
    /// {"id", "label", "score"}, score being the probability of the label.
    ///
    /// Example: parallax stance headline-body.jsonl
    Stance {
        /// Output format (JSON Lines is the only one).
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl"])]
        format: String,
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Loaded language and persuasion techniques in texts, as spans.
    ///
    /// FILE holds JSON Lines {"id", "text"} (- for stdin). Each prints
    /// {"id", "biased", "score", "spans": [{"start", "end", "text", "technique", "quoted"}]}:
    /// start and end count characters (Unicode scalar values) of text; technique is one of
    /// loaded_language, name_calling, exaggeration_minimisation, doubt, appeal_to_fear,
    /// flag_waving, causal_oversimplification, black_and_white, thought_terminating_cliche,
    /// reductio_ad_hitlerum, whataboutism, bandwagon, slogans (SemEval-2020 Task 11 names);
    /// quoted marks words inside quotation marks. score is 1 - e^-(sum of span weights) and
    /// biased means score >= 0.5. The lexicons are parallax's own (crates/framing/data).
    ///
    /// Examples:
    ///   parallax framing sentences.jsonl > spans.jsonl
    ///   echo '{"id":1,"text":"Critics slammed the so-called reform."}' | parallax framing --format text -
    Framing {
        /// jsonl for programs, text for people.
        #[arg(long, short, default_value = "jsonl", value_parser = ["jsonl", "text"])]
        format: String,
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Serve the stories and story pages, and a JSON API under /api/ (OpenAPI at
    /// /api/openapi.json), from the store, while other commands write to it.
    ///
    /// A story's page lets a reader merge it with another story, split articles off, and undo
    /// either; the engine places new articles by these corrections from then on. They are
    /// POSTs with the page's CSRF token.
    ///
    /// It binds to 127.0.0.1 (this machine only). To serve other machines give --addr
    /// 0.0.0.0:8080, and put authentication in front (a reverse proxy): the server has none,
    /// and anyone who reaches it can read the store and correct its stories.
    ///
    /// Examples:
    ///   parallax serve
    ///   parallax serve --db news.db --addr 127.0.0.1:9000 --outlets outlets.toml
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        profiles: ProfileArgs,
        /// Address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Threads answering requests.
        #[arg(long, default_value = "4")]
        workers: usize,
    },
    /// Run a worker of a shared PostgreSQL store: prepare queued documents, fetch queued pages,
    /// poll followed feeds, and place what is prepared when no other worker does.
    ///
    /// Start any number, on any number of machines, all with the same --db. Jobs are claimed
    /// with a lease: a worker that dies (kill -9, a lost machine) has its jobs taken up again
    /// when the lease runs out, and an article is stored once however often its job ran. One
    /// worker at a time places, in queue order, so the stories are those one process makes;
    /// when it dies another takes over from the saved state. Turns at a web host are shared by
    /// every worker (--delay).
    ///
    /// Examples:
    ///   parallax work --db postgres://parallax@db.example/news --jobs 4
    ///   parallax work --db postgres://parallax@127.0.0.1/news --exit-when-idle   # for scripts
    Work {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        fetch: FetchArgs,
        /// Preparing threads (default: one per core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Exit once nothing is left to prepare or place.
        #[arg(long)]
        exit_when_idle: bool,
        /// Seconds a claimed job stays this worker's without a heartbeat.
        #[arg(long, value_name = "SECONDS", default_value = "30")]
        lease: f64,
        /// Never place, only prepare (leave placing to other workers).
        #[arg(long)]
        no_place: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a shared store's job queue: jobs by kind and state, jobs per second, the workers
    /// alive, and the latest failures with their reasons.
    ///
    ///   parallax status --db postgres://parallax@db.example/news
    Status {
        #[command(flatten)]
        store: StoreArgs,
        /// The latest failures shown.
        #[arg(long, value_name = "N", default_value = "10")]
        failures: usize,
        #[arg(long)]
        json: bool,
    },
    /// Merge story OTHER into story STORY: the engine told one event apart.
    ///
    /// All of OTHER's articles join STORY, and from then on new articles are placed by the
    /// merged story (also by an ingest or watch running now). `parallax undo N` takes it back.
    ///
    ///   parallax merge s1a2b3c4d5e6 s9f8e7d6c5b4
    Merge {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(value_name = "STORY")]
        story: String,
        #[arg(value_name = "OTHER")]
        other: String,
        #[arg(long)]
        json: bool,
    },
    /// Split articles (and their copies) off a story into a story of their own.
    ///
    /// Article ids are in `parallax show STORY --format json`. At least one article must stay.
    ///
    ///   parallax split s1a2b3c4d5e6 a0123456789abcdef
    Split {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(value_name = "STORY")]
        story: String,
        #[arg(required = true, value_name = "ARTICLE")]
        articles: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Undo correction N (a merge or a split; see `parallax corrections`).
    Undo {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(value_name = "N")]
        seq: i64,
        #[arg(long)]
        json: bool,
    },
    /// List the corrections readers made to the stories (merges, splits, undos).
    Corrections {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Print the report of stored stories by id (see `parallax stories`), with the storyline
    /// each is in.
    Show {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        profiles: ProfileArgs,
        #[command(flatten)]
        storyline: StorylineArgs,
        #[arg(long, short, default_value = "text", value_parser = parse_format)]
        format: Format,
        #[arg(required = true, value_name = "STORY")]
        stories: Vec<String>,
    },
}

/// How stories are linked into storylines (defaults tuned on our storyline gold set).
#[derive(Args, Clone)]
struct StorylineArgs {
    /// A story links to an earlier one last reported at most this many days before it.
    #[arg(long, value_name = "DAYS", default_value_t = parallax_pipeline::StorylineConfig::default().window_days)]
    storyline_days: f64,
    /// Similarity of two stories needed for a link.
    #[arg(long, value_name = "SIM", default_value_t = parallax_pipeline::StorylineConfig::default().threshold)]
    storyline_threshold: f32,
    /// Similarity of a story with the whole storyline it joins.
    #[arg(long, value_name = "SIM", default_value_t = parallax_pipeline::StorylineConfig::default().storyline_threshold)]
    storyline_cohesion: f32,
}

impl StorylineArgs {
    fn config(&self) -> parallax_pipeline::StorylineConfig {
        parallax_pipeline::StorylineConfig {
            window_days: self.storyline_days,
            threshold: self.storyline_threshold,
            storyline_threshold: self.storyline_cohesion,
            ..Default::default()
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ExtractFormat {
    Json,
    Jsonl,
    Text,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        let msg = format!("{e:#}");
        let _ = writeln!(std::io::stderr(), "error: {msg}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze { store, profiles, format, output, inputs } => {
            profiles.load()?;
            let (mut engine, _lock) = open_engine(&store)?;
            let summary = ingest(&mut engine, &inputs)?;
            let mut reports = Vec::new();
            for story in engine.stories_of(&summary.article_ids)? {
                reports.push(engine.report(&story)?);
            }
            profiles.apply(&mut reports)?;
            write_output(output.as_ref(), |out| parallax_report::render(&reports, format, out))
        }
        Command::Extract { format, inputs } => extract(format, &inputs),
        Command::Compare { profiles, format, output, inputs } => {
            profiles.load()?;
            let articles = extract_all(&inputs)?;
            let mut reports = [parallax_pipeline::compare_articles(articles, &parallax_claims::ClaimConfig::default())];
            profiles.apply(&mut reports)?;
            write_output(output.as_ref(), |out| parallax_report::render(&reports, format, out))
        }
        Command::Pairs { file, .. } => pairs(&file),
        Command::Stance { file, .. } => stance(&file),
        Command::Framing { format, file } => framing(&file, &format),
        Command::Add { store, json, fetch, sources } => {
            let fetcher = fetch.fetcher()?;
            let (mut engine, _lock) = open_engine(&store)?;
            let collector = parallax_web::collect::Collector::new(fetcher, &sources);
            let found = collector.found();
            let result = ingest_items(&mut engine, collector, &sources);
            // the feeds read are followed from now on, their next poll paced by their items
            let now = unix_now();
            let read = found.lock().map(|f| f.followed.clone()).unwrap_or_default();
            for f in &read {
                engine.store_mut().follow_feed(&f.url, f.title.as_deref())?;
                if let Some(mut state) = engine.store().feeds()?.into_iter().find(|x| x.url == f.url) {
                    state.interval_secs = parallax_web::schedule::after_success(&f.item_dates, now, f.ttl_minutes, None, None);
                    state.last_checked = Some(now);
                    state.next_check = now + state.interval_secs;
                    state.etag = f.validators.etag.clone();
                    state.last_modified = f.validators.last_modified.clone();
                    engine.store_mut().update_feed(&state)?;
                }
            }
            // an empty feed is still followed: its articles come with `watch`
            let s = match result {
                Err(e) if !read.is_empty() && e.to_string().starts_with("no documents found") => {
                    eprintln!("following {} feed{} with no articles yet", read.len(), if read.len() == 1 { "" } else { "s" });
                    IngestSummary::default()
                }
                other => other?,
            };
            print_summary(&engine, &s, json, "added")
        }
        Command::Watch { store, fetch, once, all, json } => watch(&store, &fetch, once, all, json),
        Command::Serve { store, profiles, addr, workers } => {
            let db = db_path(&store);
            let server = parallax_serve::Server::bind(&db, &addr, profiles.load()?)?;
            if !server.addr.ip().is_loopback() {
                eprintln!("warning: serving {} beyond this machine with no authentication: put a reverse proxy with authentication in front", server.addr);
            }
            println!("serving {} at http://{}/ (Ctrl-C to stop)", shown_db(&db), server.addr);
            std::io::stdout().flush()?;
            server.run(workers)?;
            Ok(())
        }
        Command::Feeds { store, json, opml, enable, disable } => feeds(&store, json, opml, &enable, &disable),
        Command::Ingest { store, json, queue: true, inputs, .. } => work::enqueue(&db_url(&store)?, &inputs, json),
        Command::Work { store, fetch, jobs, exit_when_idle, lease, no_place, json } => {
            let mut config = parallax_work::WorkConfig::new(&db_url(&store)?);
            config.engine = engine_config(&store)?;
            config.fetch = fetch.config()?;
            config.threads = jobs.unwrap_or(config.threads).max(1);
            (config.exit_when_idle, config.lease_secs, config.may_place) = (exit_when_idle, lease, !no_place);
            install_stop_handler();
            work::work(&config, &STOP, json)
        }
        Command::Status { store, failures, json } => work::status(&db_url(&store)?, failures, json),
        Command::Ingest { store, json, assignments, inputs, .. } => {
            let (mut engine, _lock) = open_engine(&store)?;
            let s = ingest(&mut engine, &inputs)?;
            if let Some(path) = &assignments {
                let rows = s
                    .inputs
                    .iter()
                    .zip(&s.article_ids)
                    .map(|(input, id)| Ok((input, id, engine.placement(id)?.unwrap_or_default())))
                    .collect::<Result<Vec<_>>>()?;
                write_output(Some(path), |out| {
                    for (input, id, (story, dup)) in rows {
                        writeln!(out, "{input}\t{id}\t{story}\t{}", dup.unwrap_or_default())?;
                    }
                    Ok(())
                })?;
            }
            print_summary(&engine, &s, json, "stored")
        }
        Command::Merge { store, story, other, json } => {
            let mut st = open_store(&store)?;
            let c = parallax_pipeline::corrections::merge(&mut st, &story, &other)?;
            print_correction(&c, json)
        }
        Command::Split { store, story, articles, json } => {
            let mut st = open_store(&store)?;
            let c = parallax_pipeline::corrections::split(&mut st, &story, &articles)?;
            print_correction(&c, json)
        }
        Command::Undo { store, seq, json } => {
            let mut st = open_store(&store)?;
            let c = parallax_pipeline::corrections::undo(&mut st, seq)?;
            print_correction(&c, json)
        }
        Command::Corrections { store, json } => {
            let st = open_store(&store)?;
            let list = st.corrections(0)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "corrections": list }))?);
            } else if list.is_empty() {
                println!("no corrections");
            } else {
                for c in &list {
                    println!("{}", correction_line(c));
                }
            }
            Ok(())
        }
        Command::Storylines { store, storyline, json } => {
            let st = open_store(&store)?;
            let shown = parallax_pipeline::storyline_timeline(&st, storyline.config())?;
            if json {
                let v: Vec<_> = shown.iter().map(json::storyline_json).collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if shown.is_empty() {
                println!("No storylines: no two stories in the store are about one ongoing matter yet.");
            } else {
                for line in &shown {
                    println!("storyline {} ({} stories)", line.id, line.stories.len());
                    for s in &line.stories {
                        let dates = match (&s.first, &s.last) {
                            (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
                            (Some(a), _) => a.clone(),
                            _ => "undated".to_string(),
                        };
                        println!("  {:<22} {}  {:>3} articles  {}", dates, s.id, s.articles, s.title);
                    }
                }
            }
            Ok(())
        }
        Command::Stories { store, profiles, missed_by, limit, storyline, no_storylines, json } => {
            let st = open_store(&store)?;
            let lines = if no_storylines { vec![] } else { parallax_pipeline::storylines(&st, storyline.config())? };
            let storyline_of: std::collections::HashMap<String, String> =
                lines.into_iter().flat_map(|l| l.stories.into_iter().map(move |s| (s, l.id.clone()))).collect();
            let filtered = missed_by.clone();
            let list = match (missed_by, profiles.load()?) {
                (Some(group), Some(p)) => {
                    if !p.groups().contains(&group) {
                        bail!("no outlet in {} has the group {group:?}", profiles.outlets.as_ref().map(|f| f.display().to_string()).unwrap_or_default());
                    }
                    let mut kept = Vec::new();
                    for s in st.stories(0, usize::MAX)? {
                        let Some(story) = st.story(&s.id)? else { continue };
                        let articles = st.story_articles(&s.id)?;
                        let mut r = parallax_model::StoryReport::of_articles(story, articles);
                        r.apply_profiles(&p);
                        // a story none of the profiled outlets covers says nothing about the group
                        if !r.groups.is_empty() && r.missed_by.contains(&group) {
                            kept.push(s);
                            if kept.len() == limit {
                                break;
                            }
                        }
                    }
                    kept
                }
                _ => st.stories(0, limit)?,
            };
            if json {
                let v: Vec<_> = list
                    .iter()
                    .map(|s| json::story_summary_json(&s.id, &s.title, s.articles, s.outlets, storyline_of.get(&s.id).map(String::as_str)))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if let (true, Some(g)) = (list.is_empty(), &filtered) {
                println!("Every story is covered by at least one outlet of {g:?}.");
            } else if list.is_empty() {
                println!("The store is empty. Add articles with `parallax analyze INPUT...` or `parallax ingest INPUT...`.");
            } else {
                for s in list {
                    let line = storyline_of.get(&s.id).map(|l| format!("  (storyline {l})")).unwrap_or_default();
                    println!("{}  {:>3} articles  {:>3} outlets  {}{line}", s.id, s.articles, s.outlets, s.title);
                }
            }
            Ok(())
        }
        Command::Show { store, profiles, storyline, format, stories } => {
            // a read: the store alone, no engine state to load or replay
            let mut db = open_store(&store)?;
            let config = parallax_claims::ClaimConfig::default();
            let mut reports = stories
                .iter()
                .map(|s| parallax_pipeline::stored_report(&mut db, s, &config).with_context(|| "see `parallax stories` for the ids"))
                .collect::<Result<Vec<_>>>()?;
            profiles.apply(&mut reports)?;
            parallax_pipeline::attach_storylines(&db, &mut reports, storyline.config())?;
            write_output(None, |out| parallax_report::render(&reports, format, out))
        }
    }
}

/// The last line of `ingest` and `add`: what was stored, and what the store holds now.
fn print_summary(engine: &Engine<AnyStore>, s: &IngestSummary, json: bool, verb: &str) -> Result<()> {
    let stats = engine.store().stats()?;
    if json {
        println!("{}", json::ingest_json(s.stored, s.unchanged, s.failed, s.duplicates, s.new_stories, stats.articles, stats.stories));
    } else {
        println!(
            "{verb} {} articles ({} copies of earlier ones), {} already stored, {} failed; {} new stories. Store: {} articles in {} stories.",
            s.stored, s.duplicates, s.unchanged, s.failed, s.new_stories, stats.articles, stats.stories
        );
    }
    Ok(())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// One round of `watch`: polls the feeds that are due (all enabled ones with `all`), ingests
/// their new items, and saves each feed's state and next check. Returns the round's counts.
fn watch_round(engine: &mut Engine<AnyStore>, fetcher: &std::sync::Arc<parallax_fetch::Fetcher>, all: bool) -> Result<serde_json::Value> {
    let now = unix_now();
    let due: Vec<parallax_store::FeedState> = engine.store().feeds()?.into_iter().filter(|f| f.enabled && (all || f.next_check <= now)).collect();
    let (mut not_modified, mut failed) = (0, 0);
    let mut bodies = Vec::new();
    // each polled feed, with the URL its body came from (after redirects) and its max-age
    let mut states: Vec<(parallax_store::FeedState, Option<String>, Option<u64>)> = Vec::new();
    for mut f in due {
        if stop_requested() {
            break;
        }
        let validators = parallax_fetch::Validators { etag: f.etag.clone(), last_modified: f.last_modified.clone() };
        let fetched = fetcher.get(&f.url, &validators);
        match parallax_work::take_in_poll(&mut f, &validators, fetched, now) {
            parallax_work::Polled::NotModified { max_age } => {
                not_modified += 1;
                states.push((f, None, max_age));
            }
            parallax_work::Polled::Modified(r) => {
                let max_age = r.max_age;
                bodies.push((r.url.clone(), r.body));
                states.push((f, Some(r.url), max_age));
            }
            parallax_work::Polled::Failed(e) => {
                failed += 1;
                eprintln!("warning: {e} (next try in {} min)", f.interval_secs / 60);
                states.push((f, None, None));
            }
        }
    }
    let polled = states.len();
    let collector = parallax_web::collect::Collector::from_feeds(fetcher.clone(), bodies);
    let found = collector.found();
    let (mut stored, mut duplicates, mut item_failures, mut new_stories) = (0, 0, 0, 0);
    let docs: Vec<parallax_ingest::Item> = collector.collect();
    if !docs.is_empty() {
        let mut sink = |ev: Event<'_>| {
            if let Event::Failed { error, .. } = ev {
                eprintln!("warning: {error}, skipped");
            }
        };
        let s = engine.ingest(docs.into_iter(), &mut sink)?;
        (stored, duplicates, item_failures, new_stories) = (s.stored, s.duplicates, s.failed, s.new_stories);
    }
    let read = found.lock().map(|f| f.followed.clone()).unwrap_or_default();
    for (mut f, body_url, max_age) in states {
        // paced by the items just read, matched by the URL the body came from
        if let Some(r) = body_url.and_then(|u| read.iter().find(|r| r.url == u)) {
            f.title = r.title.clone().or(f.title.take());
            f.interval_secs = parallax_web::schedule::after_success(&r.item_dates, now, r.ttl_minutes, max_age, None);
            f.next_check = now + f.interval_secs;
        }
        engine.store_mut().update_feed(&f)?;
    }
    Ok(serde_json::json!({
        "feeds_polled": polled, "not_modified": not_modified, "feeds_failed": failed,
        "stored": stored, "duplicates": duplicates, "items_failed": item_failures, "new_stories": new_stories,
    }))
}

fn watch(store: &StoreArgs, fetch: &FetchArgs, once: bool, all: bool, json: bool) -> Result<()> {
    let fetcher = fetch.fetcher()?;
    let (mut engine, _lock) = open_engine(store)?;
    if engine.store().feeds()?.iter().all(|f| !f.enabled) {
        bail!("no feeds are followed: add one with `parallax add FEED_URL` (see `parallax feeds`)");
    }
    install_stop_handler();
    loop {
        let round = watch_round(&mut engine, &fetcher, all && once)?;
        if json {
            println!("{round}");
        } else {
            eprintln!(
                "polled {} feeds ({} not modified, {} failed): {} new articles, {} new stories",
                round["feeds_polled"], round["not_modified"], round["feeds_failed"], round["stored"], round["new_stories"]
            );
        }
        if once || stop_requested() {
            break;
        }
        // sleep until the next feed is due, waking to notice a stop
        let next = engine.store().feeds()?.iter().filter(|f| f.enabled).map(|f| f.next_check).min().unwrap_or(unix_now() + 60);
        while unix_now() < next && !stop_requested() {
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        if stop_requested() {
            break;
        }
    }
    engine.save_state()?;
    Ok(())
}

fn feeds(store: &StoreArgs, json: bool, opml: bool, enable: &[String], disable: &[String]) -> Result<()> {
    let mut db = open_store(store)?;
    for (urls, on) in [(enable, true), (disable, false)] {
        for u in urls {
            if !db.set_feed_enabled(u, on)? {
                bail!("{u}: not a followed feed (see `parallax feeds`)");
            }
        }
    }
    let list = db.feeds()?;
    let now = unix_now();
    if opml {
        let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        println!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\"><head><title>parallax feeds</title></head><body>");
        for f in &list {
            let title = esc(f.title.as_deref().unwrap_or(&f.url));
            println!("  <outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\"/>", esc(&f.url));
        }
        println!("</body></opml>");
    } else if json {
        for f in &list {
            println!(
                "{}",
                serde_json::json!({"url": f.url, "title": f.title, "enabled": f.enabled, "errors": f.errors, "last_error": f.last_error,
                    "last_checked": f.last_checked, "next_check": f.next_check, "interval_secs": f.interval_secs})
            );
        }
    } else if list.is_empty() {
        println!("no feeds are followed: add one with `parallax add FEED_URL`");
    } else {
        for f in &list {
            let status = if !f.enabled {
                "disabled".to_string()
            } else if f.errors > 0 {
                format!("failing ({} in a row)", f.errors)
            } else {
                "ok".to_string()
            };
            let next = if f.enabled { format!("next check in {} min", ((f.next_check - now).max(0) + 59) / 60) } else { String::new() };
            println!("{}  {}  {status}  {next}", f.url, f.title.as_deref().unwrap_or("-"));
            if let Some(e) = &f.last_error {
                println!("    last error: {e}");
            }
        }
    }
    Ok(())
}

fn db_path(args: &StoreArgs) -> PathBuf {
    if let Some(p) = &args.db {
        return p.clone();
    }
    if let Some(p) = std::env::var_os("PARALLAX_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    match data {
        Some(d) => d.join("parallax").join("parallax.db"),
        None => PathBuf::from("parallax.db"),
    }
}

/// The store as messages name it: a server URL without its password.
fn shown_db(db: &std::path::Path) -> String {
    let s = db.to_string_lossy();
    match s.split_once("://").and_then(|(scheme, rest)| rest.split_once('@').map(|(user, host)| (scheme, user, host))) {
        Some((scheme, user, host)) if parallax_stores::is_postgres(&s) => format!("{scheme}://{}@{host}", user.split(':').next().unwrap_or("")),
        _ => db.display().to_string(),
    }
}

/// The store `--db` names: a file (SQLite, the default) or a `postgres://` server.
fn open_store(args: &StoreArgs) -> Result<AnyStore> {
    Ok(AnyStore::open(&db_path(args).to_string_lossy())?)
}

/// The server `--db` names, for the commands that need a shared store.
fn db_url(args: &StoreArgs) -> Result<String> {
    let db = db_path(args).to_string_lossy().to_string();
    if !parallax_stores::is_postgres(&db) {
        bail!(
            "{db}: workers and their queue need a shared PostgreSQL store (--db postgres://USER@HOST/DB); on one machine `parallax ingest` does the whole job"
        );
    }
    Ok(db)
}

/// The engine over the store, with the store's writer lock held: one ingest at a time (a second
/// one waits, and says so).
fn open_engine(args: &StoreArgs) -> Result<(Engine<AnyStore>, Option<parallax_store::WriterLock>)> {
    let config = engine_config(args)?;
    let store = open_store(args)?;
    let lock = store.writer_lock(&mut |path| eprintln!("waiting: another parallax run is writing to {} ...", path.display()))?;
    let mut engine = Engine::open(store, config)?;
    for n in engine.take_notices() {
        eprintln!("warning: {n}");
    }
    Ok((engine, lock))
}

/// The engine settings the story options and the model ask for.
fn engine_config(args: &StoreArgs) -> Result<EngineConfig> {
    let mut config = EngineConfig::new();
    if let Some(t) = args.story_threshold {
        config.cluster.threshold = t;
    }
    if let Some(dir) = &args.embed_model {
        let model = parallax_embed::Embedder::load(dir).with_context(|| "--embed-model".to_string())?;
        config.embedder = Some(std::sync::Arc::new(model));
    }
    if let Some(c) = args.story_cohesion {
        config.cluster.cohesion = c;
    }
    if let Some(f) = args.story_same_outlet {
        config.cluster.same_outlet = f;
    }
    if let Some(d) = args.story_late_days {
        config.cluster.late_days = d.max(0.0);
    }
    if let Some(f) = args.story_late_factor {
        config.cluster.late_factor = f.max(0.0);
    }
    if let Some(w) = args.story_window {
        config.cluster.window_days = (w > 0.0).then_some(w);
    }
    Ok(config)
}

/// Set by Ctrl-C (or SIGTERM): reading stops, the documents already read are placed and
/// stored, the state is saved, and the process exits with 130.
static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn stop_requested() -> bool {
    STOP.load(std::sync::atomic::Ordering::Relaxed)
}

/// The first Ctrl-C asks for a clean stop; a second one quits at once (the store stays
/// consistent either way: each batch is one transaction).
fn install_stop_handler() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, std::sync::atomic::Ordering::Relaxed) {
            eprintln!("\nstopped");
            std::process::exit(130);
        }
        eprintln!("\nstopping: storing what was read and saving the state (Ctrl-C again to quit now)");
    });
}

/// Ingests with per-input errors on stderr and a progress line on a terminal. Fails only when
/// nothing at all could be read, with one line naming what failed.
fn ingest(engine: &mut Engine<AnyStore>, inputs: &[String]) -> Result<IngestSummary> {
    ingest_items(engine, parallax_ingest::documents(inputs), inputs)
}

/// [`ingest`] over any source of documents (files, or what `add` fetches). On a terminal a
/// progress line counts documents and their rate; piped, a plain line every 1,000.
fn ingest_items(engine: &mut Engine<AnyStore>, docs: impl Iterator<Item = parallax_ingest::Item> + Send, inputs: &[String]) -> Result<IngestSummary> {
    let tty = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let mut report = Warnings::default();
    let mut seen = 0usize;
    let mut sink = |ev: Event<'_>| {
        seen += 1;
        match ev {
            Event::Failed { error, .. } => report.failed(error),
            _ => report.succeeded(),
        }
        let rate = seen as f64 / started.elapsed().as_secs_f64().max(1e-3);
        if tty && seen.is_multiple_of(100) {
            eprint!("\r{seen} documents read ({rate:.0}/s)");
        } else if !tty && seen.is_multiple_of(1000) {
            eprintln!("{seen} documents read ({rate:.0}/s)");
        }
    };
    install_stop_handler();
    let docs = docs.take_while(|_| !stop_requested());
    let summary = engine.ingest(docs, &mut sink)?;
    if tty && seen >= 100 {
        eprintln!("\r{seen} documents read");
    }
    for n in engine.take_notices() {
        eprintln!("warning: {n}");
    }
    if stop_requested() {
        engine.save_state()?;
        eprintln!("stopped: {} stored, {} unchanged, {} failed; the state is saved, run again to continue", summary.stored, summary.unchanged, summary.failed);
        std::process::exit(130);
    }
    if summary.article_ids.is_empty() {
        bail!("{}", report.all_failed(inputs));
    }
    Ok(summary)
}

/// Per-document errors: printed as warnings once something has worked (so a long batch shows
/// them as they happen), folded into the one error line when nothing does.
#[derive(Default)]
struct Warnings {
    held: Vec<String>,
    any_ok: bool,
}

impl Warnings {
    fn failed(&mut self, error: String) {
        if self.any_ok {
            eprintln!("warning: {error}, skipped");
        } else {
            self.held.push(error);
        }
    }

    fn succeeded(&mut self) {
        if !self.any_ok {
            self.any_ok = true;
            for e in self.held.drain(..) {
                eprintln!("warning: {e}, skipped");
            }
        }
    }

    fn all_failed(&self, inputs: &[String]) -> String {
        match self.held.as_slice() {
            [] => format!("no documents found in {}", inputs.join(", ")),
            [one] => one.clone(),
            many => format!("nothing could be processed: {}", many.join("; ")),
        }
    }
}

/// Every input extracted, with per-input errors as warnings; fails when none could be read.
fn extract_all(inputs: &[String]) -> Result<Vec<parallax_model::Article>> {
    let mut rows = Vec::new();
    let mut report = Warnings::default();
    for item in parallax_ingest::documents(inputs) {
        let result = item.map_err(|e| e.to_string()).and_then(|doc| parallax_extract::extract(&doc).map_err(|e| e.to_string()));
        match result {
            Ok(a) => {
                report.succeeded();
                rows.push(a);
            }
            Err(e) => report.failed(e),
        }
    }
    if rows.is_empty() {
        bail!("{}", report.all_failed(inputs));
    }
    Ok(rows)
}

fn extract(format: ExtractFormat, inputs: &[String]) -> Result<()> {
    let rows = extract_all(inputs)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for a in &rows {
        let v = json::extracted_json(a);
        match format {
            ExtractFormat::Json if rows.len() == 1 => writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?,
            ExtractFormat::Json | ExtractFormat::Jsonl => writeln!(out, "{v}")?,
            ExtractFormat::Text => {
                writeln!(out, "# {}", a.input)?;
                for (k, val) in [("title", &a.title), ("byline", &a.byline), ("published", &a.published), ("language", &a.language), ("outlet", &a.outlet)] {
                    writeln!(out, "{k}: {}", val.as_deref().unwrap_or("-"))?;
                }
                writeln!(out, "\n{}\n", a.text())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_output(path: Option<&PathBuf>, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match path {
        Some(p) => {
            let file = std::fs::File::create(p).with_context(|| format!("{}: cannot write the report", p.display()))?;
            let mut w = std::io::BufWriter::new(file);
            f(&mut w).with_context(|| format!("{}: cannot write the report", p.display()))?;
            w.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            match f(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(())
}

/// The lines of a JSON Lines file (or stdin for `-`), parsed; a bad line is a warning naming
/// `file:line` and is skipped.
fn jsonl_objects(file: &str) -> Result<Vec<(usize, JsonObject)>> {
    let text = if file == "-" {
        std::io::read_to_string(std::io::stdin()).context("stdin: cannot read")?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("{file}: cannot read"))?
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(m)) => out.push((n + 1, m)),
            Ok(_) => eprintln!("warning: {file}:{}: not a JSON object, skipped", n + 1),
            Err(e) => eprintln!("warning: {file}:{}: {e}, skipped", n + 1),
        }
    }
    Ok(out)
}

fn text_field<'a>(file: &str, line: usize, m: &'a JsonObject, key: &str) -> Option<&'a str> {
    let v = m.get(key).and_then(|v| v.as_str());
    if v.is_none() {
        eprintln!("warning: {file}:{line}: no string \"{key}\", skipped");
    }
    v
}

type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Each line's `id` and its two text fields `first` and `second`; lines lacking either are
/// skipped with a warning, and a file with none is an error naming the fields.
fn text_pairs<'a>(file: &str, rows: &'a [(usize, JsonObject)], first: &str, second: &str) -> Result<Vec<(&'a serde_json::Value, &'a str, &'a str)>> {
    let items: Vec<_> = rows
        .iter()
        .filter_map(|(n, m)| Some((m.get("id").unwrap_or(&serde_json::Value::Null), text_field(file, *n, m, first)?, text_field(file, *n, m, second)?)))
        .collect();
    if items.is_empty() {
        bail!("{file}: no pairs (lines of {{\"id\", \"{first}\", \"{second}\"}})");
    }
    Ok(items)
}

fn pairs(file: &str) -> Result<()> {
    let rows = jsonl_objects(file)?;
    let items = text_pairs(file, &rows, "a", "b")?;
    let ctx = parallax_judge::Context::from_texts(items.iter().flat_map(|(_, a, b)| [*a, *b]));
    let judge = parallax_judge::Judge::bundled();
    write_output(None, |out| {
        for (id, a, b) in &items {
            let v = judge.judge(a, b, &ctx);
            let relation = serde_json::to_value(v.relation).ok().and_then(|r| r.as_str().map(str::to_string)).unwrap_or_default();
            let reasons: Vec<String> = v.reasons.iter().map(|r| r.to_string()).collect();
            writeln!(out, "{}", json::pair_json(id, &relation, v.same, v.score, &reasons))?;
        }
        Ok(())
    })
}

fn framing(file: &str, format: &str) -> Result<()> {
    let rows = jsonl_objects(file)?;
    let items: Vec<(&serde_json::Value, &str)> =
        rows.iter().filter_map(|(n, m)| Some((m.get("id").unwrap_or(&serde_json::Value::Null), text_field(file, *n, m, "text")?))).collect();
    if items.is_empty() {
        bail!("{file}: no texts (lines of {{\"id\", \"text\"}})");
    }
    let config = parallax_framing::FramingConfig::default();
    write_output(None, |out| {
        for (id, text) in &items {
            let f = parallax_framing::frame(text, &config);
            if format == "text" {
                let id = id.as_str().map_or_else(|| id.to_string(), str::to_string);
                writeln!(out, "{id}: {} (score {:.2})", if f.biased { "biased" } else { "not biased" }, f.score)?;
                for s in &f.spans {
                    let quoted = if s.quoted { ", quoted" } else { "" };
                    writeln!(out, "  {} \"{}\" ({}{quoted})", s.technique.label(), &text[s.start..s.end], s.technique.key())?;
                }
            } else {
                writeln!(
                    out,
                    "{}",
                    json::framing_json(id, text, &f.spans.iter().map(|s| (s.start, s.end, s.technique, s.quoted)).collect::<Vec<_>>(), f.biased, f.score)
                )?;
            }
        }
        Ok(())
    })
}

fn stance(file: &str) -> Result<()> {
    let rows = jsonl_objects(file)?;
    let items = text_pairs(file, &rows, "claim", "text")?;
    let model = parallax_stance::StanceModel::bundled();
    let pairs: Vec<(&str, &str)> = items.iter().map(|(_, c, t)| (*c, *t)).collect();
    let predictions = model.predict_batch(&pairs);
    write_output(None, |out| {
        for ((id, _, _), p) in items.iter().zip(&predictions) {
            writeln!(out, "{}", json::stance_json(id, p.label.name(), p.score))?;
        }
        Ok(())
    })
}

/// A correction in one line: "3 2026-12-02T20:00:00Z merge: 2 articles s1... -> s2... (undone by 4)".
fn correction_line(c: &parallax_model::Correction) -> String {
    let undone = c.undone_by.map(|by| format!(" (undone by {by})")).unwrap_or_default();
    let undoes = c.undoes.map(|n| format!(" of {n}")).unwrap_or_default();
    let n = c.articles.len();
    format!("{} {} {}{undoes}: {n} article{} {} -> {}{undone}", c.seq, c.created_at, c.kind.as_str(), if n == 1 { "" } else { "s" }, c.from_story, c.to_story)
}

fn print_correction(c: &parallax_model::Correction, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "correction": c }))?);
    } else {
        println!("{}", correction_line(c));
        if c.kind != parallax_model::CorrectionKind::Undo {
            println!("undo with: parallax undo {}", c.seq);
        }
    }
    Ok(())
}
