//! A small RFC 4180 CSV reader: FNC-1's files quote fields that hold commas, newlines and
//! doubled quotes, so splitting on lines and commas would tear bodies apart.

/// Every record of `text`, each a list of fields. A UTF-8 byte-order mark is skipped; records
/// end at LF or CRLF outside quotes; a blank line is no record.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    // anything but the line end seen since the last record: a blank line is no record, but
    // a line holding only "" or "," is one
    let mut content = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() => {
                content = true;
                // quoted field: runs to the next lone quote; "" inside is one quote
                while let Some(q) = chars.next() {
                    if q != '"' {
                        field.push(q);
                    } else if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        break;
                    }
                }
            }
            ',' => {
                content = true;
                record.push(std::mem::take(&mut field));
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if content {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                content = false;
            }
            _ => {
                content = true;
                field.push(c);
            }
        }
    }
    if content {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn quoted_newlines_and_doubled_quotes() {
        let text = "id,body\r\n1,\"first line\nsecond, with a comma\"\n2,\"she said \"\"no\"\" twice\"\n3,plain\n";
        let rows = parse(text);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], ["id", "body"]);
        assert_eq!(rows[1], ["1", "first line\nsecond, with a comma"]);
        assert_eq!(rows[2], ["2", "she said \"no\" twice"]);
        assert_eq!(rows[3], ["3", "plain"]);
    }

    #[test]
    fn empty_fields_and_missing_final_newline() {
        let rows = parse("\u{feff}a,,c\n\n,\"\",\nx");
        assert_eq!(rows, vec![vec!["a", "", "c"], vec!["", "", ""], vec!["x"]]);
    }
}
