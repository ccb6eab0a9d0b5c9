//! Language identification. Most news is in a handful of Latin-script languages whose commonest
//! words tell them apart in a sentence or two; counting those words answers at a tiny fraction of
//! the cost of trigram profiles (whatlang was a seventh of ingest). Everything the word count
//! cannot settle (other scripts, close calls, short texts) goes to whatlang.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// Characters the language is judged on: a paragraph or two decide as well as the whole text,
/// and identification cost grows with the sample.
const SAMPLE_CHARS: usize = 320;

/// The most frequent function words of each language, chosen so that few are shared; a word
/// in two lists counts for both.
const FUNCTION_WORDS: &[(&str, &str)] = &[
    ("en", "the of and to in is that for it was on with as by at from this have are be has had were which an said not but they his her"),
    ("fr", "le la les des et est une du dans pour que qui sur pas au avec par il elle sont ont été aux ces cette mais ou plus"),
    ("de", "der die und das ist den nicht von mit sich des auf für dem ein eine auch es an als nach wird bei einer sind wurde hat"),
    ("es", "el la los las que del en por con para una es se al lo como más pero sus le ya fue este ha sido está entre"),
    ("it", "il di che la della le per un una non con sono del gli alla nel è dei più anche come ha stato nella questo"),
    ("pt", "de que o os do da em para com um uma não no na por mais as dos das ao foi pelo pela são está também"),
    ("nl", "de het een van en in is dat op te zijn voor met niet aan er ook als bij door wordt werd naar uit heeft"),
    ("pl", "w i na z się do że nie jest to o jak po przez od za dla są był była ale tak już oraz jego"),
    ("sv", "och att det som en på är av för med till den har inte om ett var men från vid sig också efter"),
    ("da", "og at det som en på er af for med til den har ikke om et var men fra ved sig også efter blev"),
    ("tr", "ve bir bu da de için ile olarak çok daha gibi olan en kadar ancak sonra ama ise değil göre"),
    ("id", "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke adalah oleh telah karena bisa"),
    ("ro", "și în de la cu pe care este nu din o un mai pentru să fost sau au ca dar"),
];

fn table() -> &'static HashMap<&'static str, Vec<usize>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<usize>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, (_, words)) in FUNCTION_WORDS.iter().enumerate() {
            for w in words.split_whitespace() {
                t.entry(w).or_default().push(i);
            }
        }
        t
    })
}

/// ISO 639-1 code of the text's language, when it can be told with reasonable confidence.
pub fn detect_language(text: &str) -> Option<String> {
    let sample = crate::truncate_at_char(text, SAMPLE_CHARS * 2);
    let sample = match sample.char_indices().nth(SAMPLE_CHARS) {
        Some((end, _)) => &sample[..end],
        None => sample,
    };
    by_function_words(sample).map(str::to_string).or_else(|| by_trigrams(sample))
}

/// [`detect_language`] of a text given as paragraphs, without joining more of them than the
/// sample needs.
pub fn detect_paragraphs_language(paragraphs: &[String]) -> Option<String> {
    let mut sample = String::new();
    for p in paragraphs {
        // SAMPLE_CHARS characters are at most four bytes each
        if sample.len() >= SAMPLE_CHARS * 4 {
            break;
        }
        if !sample.is_empty() {
            sample.push(' ');
        }
        sample.push_str(p);
    }
    detect_language(&sample)
}

/// The language whose function words dominate the sample, when the lead is clear.
fn by_function_words(sample: &str) -> Option<&'static str> {
    let table = table();
    let mut hits = [0u32; FUNCTION_WORDS.len()];
    let mut words = 0u32;
    let mut other_script = false;
    crate::for_each_word(sample, |w| {
        words += 1;
        other_script |= !w.chars().all(|c| c.is_ascii() || ('\u{c0}'..='\u{24f}').contains(&c));
        if let Some(langs) = table.get(w) {
            langs.iter().for_each(|&l| hits[l] += 1);
        }
    });
    if other_script || words < 12 {
        return None;
    }
    let mut ranked: Vec<(u32, usize)> = hits.iter().enumerate().map(|(i, &h)| (h, i)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let (best, lang) = ranked[0];
    let second = ranked[1].0;
    // a quarter or more of running text is function words in these languages; the winner must
    // lead its runner-up (often a close relative sharing words: da/sv, es/pt, fr/es) clearly
    (best * 5 >= words && best * 4 >= second * 5 + 4).then_some(FUNCTION_WORDS[lang].0)
}

fn by_trigrams(sample: &str) -> Option<String> {
    let info = whatlang::detect(sample)?;
    // whatlang calls short texts unreliable even when they are plainly one language; only a
    // short text with a weak guess is refused.
    if !info.is_reliable() && (sample.chars().count() < 40 || info.confidence() < 0.1) {
        return None;
    }
    Some(iso639_1(info.lang().code()).to_string())
}

fn iso639_1(code3: &str) -> &str {
    match code3 {
        "eng" => "en",
        "rus" => "ru",
        "ukr" => "uk",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "pol" => "pl",
        "tur" => "tr",
        "ara" => "ar",
        "heb" => "he",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "hin" => "hi",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "no",
        "fin" => "fi",
        "ces" => "cs",
        "slk" => "sk",
        "hun" => "hu",
        "ron" => "ro",
        "bul" => "bg",
        "srp" => "sr",
        "hrv" => "hr",
        "ell" => "el",
        "pes" => "fa",
        "ind" => "id",
        "vie" => "vi",
        "tha" => "th",
        "bel" => "be",
        "kat" => "ka",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "slv" => "sl",
        "cat" => "ca",
        "urd" => "ur",
        "ben" => "bn",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_decide_common_languages() {
        let cases = [
            ("en", "The council said on Monday that the bridge would reopen after repairs, and that buses were expected to return to the route by the end of the week."),
            ("fr", "Le conseil municipal a annoncé lundi que le pont serait rouvert après les travaux et que les bus reviendraient sur la ligne avant la fin de la semaine."),
            ("de", "Der Stadtrat teilte am Montag mit, dass die Brücke nach den Reparaturen wieder geöffnet wird und die Busse bis zum Ende der Woche auf die Strecke zurückkehren."),
            ("es", "El ayuntamiento dijo el lunes que el puente se reabrirá después de las obras y que los autobuses volverán a la ruta antes del final de la semana."),
            ("it", "Il consiglio comunale ha detto lunedì che il ponte sarà riaperto dopo i lavori e che gli autobus torneranno sulla linea entro la fine della settimana."),
            ("pt", "A câmara disse na segunda-feira que a ponte será reaberta depois das obras e que os autocarros voltarão à linha até ao final da semana, segundo o presidente."),
            ("nl", "De gemeenteraad zei maandag dat de brug na de reparaties weer opengaat en dat de bussen voor het einde van de week naar de route terugkeren."),
        ];
        for (lang, text) in cases {
            assert_eq!(by_function_words(text), Some(lang), "{text}");
            assert_eq!(detect_language(text).as_deref(), Some(lang));
        }
    }

    #[test]
    fn other_scripts_and_short_texts_go_to_trigrams() {
        assert_eq!(by_function_words("Президент России заявил в пятницу, что первая серийная партия уже произведена и передана в войска."), None);
        assert_eq!(by_function_words("The bridge reopened."), None);
        assert_eq!(detect_language("Президент России заявил в пятницу, что первая серийная партия уже произведена и передана в войска. Он также сообщил, что вопрос о поставках будет решён до конца года, и что специалисты обеих стран сейчас готовят позиции.").as_deref(), Some("ru"));
    }

    #[test]
    fn paragraphs_are_sampled_from_the_start() {
        let fr = "Le conseil municipal a annoncé lundi que le pont serait rouvert après les travaux et que les bus reviendraient sur la ligne avant la fin de la semaine.";
        let en = "The council said on Monday that the bridge would reopen after repairs, and that buses were expected to return to the route by the end of the week.";
        let short: Vec<String> = fr.split(' ').map(str::to_string).collect();
        assert_eq!(detect_paragraphs_language(&short).as_deref(), Some("fr"));
        // past the sample, English paragraphs do not count
        let mut long = vec![fr.to_string(); 12];
        long.extend(std::iter::repeat_n(en.to_string(), 40));
        assert_eq!(detect_paragraphs_language(&long).as_deref(), Some("fr"));
        assert_eq!(detect_paragraphs_language(&[]), None);
    }
}
