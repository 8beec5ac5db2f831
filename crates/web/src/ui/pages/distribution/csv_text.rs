//! A small RFC 4180 reader for the bulk paste box: comma- or tab-separated text, quoted
//! cells with doubled quotes and line breaks inside them. The workspace has no CSV crate,
//! and a paste is small enough (the bulk cap) to read whole.

/// One record of the text, with the line it starts on (1-based) for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Why the text could not be read, and on which line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Tab when the first line has one (a paste from a spreadsheet), else comma.
pub fn delimiter_of(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    if first.contains('\t') {
        '\t'
    } else {
        ','
    }
}

/// Every record of `text`. A quote opens a quoted cell only at the start of a cell
/// (elsewhere it is text, as spreadsheets paste it); records whose cells are all empty
/// are left out, so blank lines do not become rows.
pub fn parse(text: &str, delimiter: char) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quoted = false;
    // After a closing quote only a delimiter or a line break may follow.
    let mut closed = false;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    let mut finish = |cells: &mut Vec<String>, cell: &mut String, record_line: usize| {
        cells.push(std::mem::take(cell));
        let row = std::mem::take(cells);
        if row.iter().any(|c| !c.trim().is_empty()) {
            records.push(Record {
                line: record_line,
                cells: row,
            });
        }
    };
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => {
                    quoted = false;
                    closed = true;
                }
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    cell.push('\n');
                }
                other => cell.push(other),
            }
            continue;
        }
        match ch {
            c if c == delimiter => {
                cells.push(std::mem::take(&mut cell));
                closed = false;
            }
            '\r' | '\n' => {
                if ch == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                finish(&mut cells, &mut cell, record_line);
                closed = false;
                line += 1;
                record_line = line;
            }
            _ if closed => {
                return Err(CsvError {
                    line,
                    message:
                        "text follows a closing quote; double a quote inside a quoted cell (\"\")"
                            .into(),
                });
            }
            '"' if cell.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            other => cell.push(other),
        }
    }
    if quoted {
        return Err(CsvError {
            line: quote_line,
            message: "a quoted cell is never closed".into(),
        });
    }
    finish(&mut cells, &mut cell, record_line);
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str, d: char) -> Vec<Vec<String>> {
        parse(text, d)
            .expect("parses")
            .into_iter()
            .map(|r| r.cells)
            .collect()
    }

    #[test]
    fn plain_rows_split_on_the_delimiter_with_any_line_ending() {
        assert_eq!(
            cells("a,b\r\n1,2\n3,\r4,5", ','),
            vec![
                vec!["a", "b"],
                vec!["1", "2"],
                vec!["3", ""],
                vec!["4", "5"]
            ]
        );
    }

    #[test]
    fn quoted_cells_keep_delimiters_quotes_and_line_breaks() {
        let text = "name,notes\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nx,y\n";
        let records = parse(text, ',').expect("parses");
        assert_eq!(records[1].cells, vec!["Smith, J", "said \"hi\"\nthen left"]);
        assert_eq!(records[1].line, 2);
        // The record after a multi-line cell starts on its real line.
        assert_eq!(records[2].line, 4);
    }

    #[test]
    fn blank_lines_are_no_rows_and_a_bom_is_dropped() {
        assert_eq!(
            cells("\u{feff}a\tb\n\n1\t2\n\t\n", '\t'),
            vec![vec!["a", "b"], vec!["1", "2"]]
        );
    }

    #[test]
    fn a_quote_inside_a_cell_is_text_but_an_unclosed_one_is_an_error() {
        assert_eq!(cells("5\" pipe,x", ','), vec![vec!["5\" pipe", "x"]]);
        let e = parse("a\n\"open,b\nc", ',').expect_err("unclosed");
        assert_eq!(e.line, 2);
        let after = parse("\"a\"b,c", ',').expect_err("text after quote");
        assert_eq!(after.line, 1);
    }

    #[test]
    fn the_delimiter_is_a_tab_when_the_header_has_one() {
        assert_eq!(delimiter_of("sku\tquantity\n1,2"), '\t');
        assert_eq!(delimiter_of("sku,quantity"), ',');
    }
}
