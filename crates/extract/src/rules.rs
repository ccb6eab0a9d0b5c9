//! Every extraction heuristic as data, in one place: which markup and which lines are page
//! chrome, where the article ends, and the thresholds that decide. Code in `html.rs` and
//! `plain.rs` reads these tables; tuning happens here.

/// HTML input beyond this many bytes is ignored: articles are far smaller, and the cap bounds
/// time and memory on hostile pages.
pub const MAX_HTML_BYTES: usize = 4 * 1024 * 1024;
/// Plain-text dumps are cut here for the same reason.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Elements nested deeper than this keep their text but not their structure.
pub const MAX_DEPTH: usize = 256;

pub const VOID_TAGS: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
/// Elements whose content is text, never markup.
pub const RAW_TEXT_TAGS: &[&str] = &["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "template"];

/// Elements that never hold article text.
pub const DROP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "select",
    "template",
    "menu",
    "dialog",
    "figcaption",
    "input",
    "textarea",
    "label",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "map",
    "head",
];

/// Elements whose text is one paragraph of the body. Table cells are not: a row is one line
/// ("3 Kevin Harvick 5033 4 6"), as a reader sees it.
pub const BLOCK_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figure",
    "tr",
    "div",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "table",
    "header",
    "address",
    "center",
];

/// class/id tokens that mark chrome. Matched against whole tokens of the attribute split on
/// non-alphanumerics, or as a token prefix where the entry ends with `*`.
pub const NEGATIVE_CLASS_TOKENS: &[&str] = &[
    "comment*",
    "share*",
    "sharing",
    "social*",
    "related*",
    "promo*",
    "newsletter*",
    "subscribe*",
    "subscription",
    "advert*",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "sponsor*",
    "sidebar*",
    "footer*",
    "nav*",
    "navigation",
    "menu*",
    "cookie*",
    "consent*",
    "gdpr",
    "breadcrumb*",
    "tags",
    "tag-list",
    "taglist",
    "caption*",
    "credit*",
    "bio",
    "author-bio",
    "popup*",
    "modal*",
    "recommend*",
    "outbrain",
    "taboola",
    "widget*",
    "trending*",
    "popular*",
    "most-read",
    "mostread",
    "signup",
    "sign-up",
    "banner*",
    "masthead",
    "toolbar",
    "pagination",
    "pager",
    "print",
    "hidden",
    "hide",
    "skip",
    "disclaimer",
    "copyright",
    "meta-links",
    "more-stories",
    "read-more",
    "readmore",
    "rail",
    "teaser*",
    "jump",
    "toc",
    "byline-social",
    "app-promo",
    "download-app",
    "paywall-promo",
];
/// class/id tokens that mark the article; they win over a negative token on the same element.
pub const POSITIVE_CLASS_TOKENS: &[&str] = &["article*", "content*", "entry*", "main*", "post*", "story*", "body*", "text*", "blog*", "prose", "rich-text"];

/// Schema.org types whose JSON-LD describes the article on the page.
pub const ARTICLE_LD_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "Report",
    "LiveBlogPosting",
    "WebPage",
    "TechArticle",
    "ScholarlyArticle",
];

/// A paragraph shorter than this (in characters) only counts towards a container's score when
/// it ends like a sentence.
pub const MIN_PROSE_CHARS: usize = 25;
/// Paragraphs whose text is mostly link text are navigation, not prose.
pub const MAX_LINK_DENSITY: f64 = 0.5;
/// An element holding this share of the page's text is a wrapper: its class/id says nothing
/// about whether it is chrome.
pub const WRAPPER_TEXT_SHARE: f64 = 0.4;
/// The chosen container widens to its parent while the parent holds this many times its prose.
pub const EXPAND_PROSE_RATIO: f64 = 1.3;
/// What counts as prose when deciding to widen: a sentence-ending block of this length with at
/// most this link density.
pub const STRONG_PROSE_CHARS: usize = 80;
pub const STRONG_PROSE_LINK_DENSITY: f64 = 0.2;
/// How many levels up the wider container is looked for.
pub const EXPAND_LEVELS: usize = 6;
/// Below this many characters the main pass is deemed to have failed and the fallbacks run.
pub const MIN_BODY_CHARS: usize = 250;

/// Lines (plain-text dumps) or short blocks (HTML) that are chrome wherever they appear. Matched
/// case-insensitively against the whole trimmed line.
pub const CHROME_LINES: &[&str] = &[
    r"logo",
    r"avatar",
    r"orange background",
    r"advertisement",
    r"ad",
    r"sponsored( content)?",
    r"show more",
    r"load more",
    r"read more",
    r"see more",
    r"continue reading",
    r"skip to (main )?content",
    r"\d+ min(ute)?s? read",
    r"(updated|published|posted):?\s*\)?",
    r"\(updated:?\s*\)",
    r"share( this( article| story)?)?",
    r"(share on )?(facebook|twitter|x|linkedin|whatsapp|telegram|email|print|copy link)",
    r"try our ai features",
    r"explore what .{1,40} can do for you:?",
    r"no comments yet\.*",
    r"be the first to comment\.*",
    r"download the app",
    r"get started now:? download the app",
    r"app-?store\s*play-?store",
    r"(sign|log) in",
    r"subscribe( now)?",
    r"sign up( now)?",
    r"follow us( on .*)?",
    r"listen to (this )?article",
    r"\d+ comments?",
    r"image:.*",
    r"photo:.*",
    r"video:.*",
    r"watch:.*",
    r"close",
    r"menu",
    r"search",
    r"home",
    r"back to top",
    r"accept( all)?( cookies)?",
    r"all rights reserved.*",
    r"©.*",
    r"copyright .*",
];

/// Line patterns (anywhere in the line) that mark chrome: photo credits, app prompts, consent.
pub const CHROME_FRAGMENTS: &[&str] = &[
    r"\(photo by [^)]*\)",
    r"\(photo: [^)]*\)",
    r"\bvia getty images\b",
    r"\bgetty images\)",
    r"/afp via\b",
    r"^photo by\b",
    r"\bdownload .{0,30}\bapp\b.*\b(app store|play store|today)\b",
    r"ready to dive into",
    r"\bwe use cookies\b",
    r"\bby continuing to (browse|use)\b",
    r"\bclick here to\b",
    r"\bsubscribe to our newsletter\b",
    r"\bsign up for our newsletter\b",
    r"article was first published by .{0,60} and was translated",
    r"\bgetty images\s*$",
    r"\|\s*(reuters|afp|ap|bloomberg|getty)\b[^.]*$",
    r"^\s*(photo|image|picture|video) (credit|courtesy)\b",
    r"\bsign up (for|to)\b.{0,60}\b(newsletter|updates|alerts)\b",
    r"\bsubscribe to\b.{0,60}\bnewsletters?\b",
    r"\bget the latest updates\b.{0,40}\binbox\b",
    r"\bdelivered (to|through) your (letterbox|inbox|door)\b",
    r"\bmay contain affiliate\b",
    r"^\s*disclosure\s*:",
    r"\bmay earn (a|an affiliate) commission\b",
    r"\brequires javascript\b",
    r"^\s*sharing is caring!?\s*$",
    r"^\s*tell us what you think\b",
    r"^\s*have a tip\?",
    r"^\s*join (the )?discussion\s*$",
];
/// Blocks shorter than this that do not end like a sentence, in a run at the end of the body, are
/// teasers.
pub const TEASER_MAX_WORDS: usize = 15;

/// Endings of an excerpt cut short: a list of such blocks is teasers for other pages, and they
/// never vote for the container they sit in.
pub const TRUNCATION_MARKS: &[&str] = &["...", "\u{2026}", "[\u{2026}]", "[...]", "(...)"];
/// An excerpt is at least this many words (a shorter line ending in "..." is a prompt or a
/// quote trailing off).
pub const TRUNCATED_MIN_WORDS: usize = 8;

/// Titles of error pages (soft 404s, outages, blocks), matched case-insensitively against the
/// title's first segment (before " | ", " - ", " – "). With a short body such a page has no
/// article, whatever text it shows.
pub const ERROR_PAGE_TITLES: &[&str] = &[
    r"error",
    r"(\d{3} )?(error|page|file)? ?not found",
    r"404( error)?",
    r"500( internal server error)?",
    r"503( service unavailable)?",
    r"access denied",
    r"forbidden",
    r"oops!?.*",
    r"something went wrong",
    r"we'?ll be right back",
    r"(temporarily )?unavailable",
    r"(site |down for )?maintenance",
    r"under maintenance",
    r"service unavailable",
    r"are you a robot\??",
    r"just a moment\.*",
    r"attention required!?",
    r"page (has )?moved",
];
/// An error page's body is at most this many words.
pub const ERROR_PAGE_MAX_WORDS: usize = 150;

/// Lines longer than this are never judged chrome by the patterns above.
pub const MAX_CHROME_CHARS: usize = 400;

/// Headings after which a page dump no longer belongs to the article: everything that follows is
/// other stories, comments or prompts. Matched against the whole trimmed line.
pub const END_OF_ARTICLE_MARKERS: &[&str] = &[
    r"related( articles| stories| news| coverage| content| reading| posts)?:?",
    r"news feed",
    r"comments?( \(\d+\))?:?",
    r"read (more|next|also):?",
    r"more (from|on|stories|news|like this).*",
    r"recommended( for you| stories)?:?",
    r"you (may|might) also like:?",
    r"most (popular|read|viewed)( stories| articles)?:?",
    r"trending( now| stories)?:?",
    r"latest( news| stories)?:?",
    r"top stories:?",
    r"also read:?",
    r"see also:?",
    r"editor'?s picks:?",
    r"what to read next:?",
    r"more in .{1,40}",
    r"popular now:?",
    r"in other news:?",
    r"leave a (comment|reply):?",
    r"join the conversation:?",
    r"download the app",
    r"related (articles|stories|posts|links|reading|coverage)\.*",
    r"join (the )?discussion",
    r"more (stories|articles) (from|like this).*",
    r"recommended (reading|articles|stories)",
];

/// A line that names the outlet and a relative time, e.g. "Russia Today2 days ago" in an
/// aggregator's dump. Group 1 is the outlet.
pub const SOURCE_TIME_LINE: &str = r"^(.{2,60}?)\s*(?:\d+|an?|one)\s*(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago$";

/// Words that introduce a byline.
pub const BYLINE_PREFIX: &str = r"^(?i:by|written by|reporting by|words by|von|par|por)\s+(.{3,80})$";
/// A line that is a staff role, printed under a byline name in dumps.
pub const ROLE_LINE: &str = r"^(?i:(senior |chief |deputy |associate |staff |contributing )?(news |political |foreign |defense |world |business |tech |science )?(editor|reporter|correspondent|writer|journalist|contributor|columnist|producer|analyst|editor-at-large|bureau chief))$";

/// Phrases that are never an author even where markup says so: wire services and desks.
pub const NON_AUTHOR_BYLINES: &[&str] = &[
    "staff",
    "staff writer",
    "editorial",
    "editorial board",
    "newsroom",
    "news desk",
    "web desk",
    "admin",
    "associated press",
    "reuters",
    "afp",
    "agence france-presse",
    "ap",
    "the associated press",
    "bloomberg",
];

/// Line lengths (in words) that decide whether a dump line reads as prose.
pub const PROSE_MIN_WORDS_WITH_PERIOD: usize = 4;
pub const PROSE_MIN_WORDS_WITHOUT_PERIOD: usize = 18;
/// A title line in a dump has this many words.
pub const TITLE_WORDS: std::ops::RangeInclusive<usize> = 3..=30;
/// How many lines from the top of a dump are searched for the title.
pub const TITLE_SEARCH_LINES: usize = 12;
/// A repeated paragraph is only dropped when it is at least this many words long, so short
/// refrains ("Yes.") are kept.
pub const MIN_REPEAT_WORDS: usize = 6;

/// class tokens of elements that hold the article's date or author in the page body.
pub const DATE_CLASS_TOKENS: &[&str] = &["date", "published", "pubdate", "posted", "timestamp", "dateline", "entry-date", "post-date", "publish"];
pub const AUTHOR_CLASS_TOKENS: &[&str] = &["author", "byline", "author-name", "authorname", "writer", "by-author", "contributor"];
/// How many date or author elements are tried before giving up (the first ones are the article's).
pub const MARKUP_CANDIDATES: usize = 5;
/// A visible date is read from leaf elements with at most this much text.
pub const VISIBLE_DATE_MAX_CHARS: usize = 48;
/// Words that start a staff role printed after a byline name.
pub const BYLINE_ROLE_WORDS: &[&str] = &[
    "senior",
    "staff",
    "reporter",
    "editor",
    "writer",
    "correspondent",
    "contributor",
    "columnist",
    "manager",
    "producer",
    "director",
    "chief",
    "associate",
    "contributing",
    "freelance",
    "journalist",
    "analyst",
    "photographer",
];
/// This many linked headings in the region a widening would add make it a listing.
pub const LISTING_LINKED_HEADINGS: u32 = 3;
/// When the whole page holds this many times the chosen body's sentence prose, the page-wide
/// prose wins (a body split into sections the container choice could not join).
pub const FALLBACK_PROSE_RATIO: f64 = 3.0;
