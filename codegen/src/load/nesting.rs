//! How deep the flow collections (`[...]`, `{...}`) of a YAML text nest, found in one linear
//! pass before the text is parsed.
//!
//! The YAML parser checks every open flow level at each token, so `[[[[...` takes time in the
//! square of its depth (minutes for a 2 MB file), and the parser's own limit (128 levels) only
//! applies once the whole text has been read. This pass refuses such a text first, in time
//! linear in its size.
//!
//! It follows the scanner's rules where a bracket opens a collection: anywhere in a flow
//! collection (outside quotes and comments), and in block context only where a node starts
//! (at the start of a line, after `- `, `? `, `: `, a tag or an anchor). Brackets inside
//! quoted scalars, comments, plain scalars (`see [the docs]`), their continuation lines and
//! block scalars (`|`, `>`) are text. Block indentation is tracked as the scanner tracks it,
//! since it decides which lines continue a scalar.

/// Where the nesting first went past the limit: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// 1-based line of the bracket that went past the limit.
    pub line: usize,
    /// 1-based column of that bracket.
    pub column: usize,
}

/// The deepest nesting of flow collections in `text`, or where it first goes past `limit`.
pub fn flow_depth(text: &str, limit: usize) -> Result<usize, TooDeep> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        column: 0,
        indents: vec![-1],
        deepest: 0,
        limit,
    };
    scanner.run()?;
    Ok(scanner.deepest)
}

struct Scanner<'t> {
    bytes: &'t [u8],
    /// The byte being looked at.
    pos: usize,
    /// Its 1-based line.
    line: usize,
    /// Its 0-based column, in characters.
    column: usize,
    /// The columns of the open block collections, as the YAML scanner keeps them (`-1` is
    /// the document).
    indents: Vec<isize>,
    deepest: usize,
    limit: usize,
}

fn is_blank(byte: Option<u8>) -> bool {
    matches!(byte, Some(b' ' | b'\t' | b'\r'))
}

fn is_blank_or_end(byte: Option<u8>) -> bool {
    matches!(byte, None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

fn is_flow_indicator(byte: Option<u8>) -> bool {
    matches!(byte, Some(b',' | b'[' | b']' | b'{' | b'}'))
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Moves past one byte, keeping the line and column.
    fn bump(&mut self) {
        match self.peek() {
            Some(b'\n') => {
                self.line += 1;
                self.column = 0;
            }
            // A UTF-8 continuation byte belongs to the character before it.
            Some(byte) if byte & 0xC0 == 0x80 => {}
            Some(_) => self.column += 1,
            None => return,
        }
        self.pos += 1;
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.peek()) {
            self.bump();
        }
    }

    /// Moves to the start of the next line.
    fn skip_line(&mut self) {
        while let Some(byte) = self.peek() {
            self.bump();
            if byte == b'\n' {
                return;
            }
        }
    }

    /// Moves past a tag, an anchor or an alias: up to the next blank (or, in a flow
    /// collection, the next flow indicator).
    fn skip_word(&mut self, in_flow: bool) {
        loop {
            let byte = self.peek();
            if is_blank_or_end(byte) || (in_flow && is_flow_indicator(byte)) {
                return;
            }
            self.bump();
        }
    }

    fn top(&self) -> isize {
        self.indents.last().copied().unwrap_or(-1)
    }

    /// A block collection starts at `column` (a key or a `- `).
    fn roll(&mut self, column: usize) {
        let column = column as isize;
        if self.top() < column {
            self.indents.push(column);
        }
    }

    /// A token at `column` closes the block collections indented more.
    fn unroll(&mut self, column: usize) {
        let column = column as isize;
        while self.top() > column {
            self.indents.pop();
        }
    }

    /// The smallest column at which a line continues the scalar that ended the line before.
    fn continuation(&self) -> usize {
        (self.top() + 1).max(0) as usize
    }

    fn run(&mut self) -> Result<(), TooDeep> {
        // Lines starting at this column or further continue a scalar (plain or block).
        let mut continues: Option<usize> = None;
        while self.pos < self.bytes.len() {
            self.skip_blanks();
            match self.peek() {
                None => break,
                // Blank lines and comment lines, also inside scalars.
                Some(b'\n' | b'#') => {
                    self.skip_line();
                    continue;
                }
                Some(_) => {}
            }
            if let Some(from) = continues {
                if self.column >= from {
                    self.skip_line();
                    continue;
                }
                continues = None;
            }
            if self.column == 0 {
                let marker = self.bytes.get(self.pos..self.pos + 3);
                if matches!(marker, Some(b"---" | b"...")) && is_blank_or_end(self.peek_at(3)) {
                    self.indents.truncate(1);
                    if marker == Some(b"...") {
                        self.skip_line();
                        continue;
                    }
                    for _ in 0..3 {
                        self.bump();
                    }
                } else if self.peek() == Some(b'%') {
                    self.skip_line();
                    continue;
                }
            }
            self.unroll(self.column);
            continues = self.block_line()?;
        }
        Ok(())
    }

    /// Scans the rest of a line in block context (and past it, through a flow collection or a
    /// quoted scalar that spans lines). Returns the column from which the next lines continue
    /// a scalar, if the line ends with one.
    fn block_line(&mut self) -> Result<Option<usize>, TooDeep> {
        let mut expects_node = true;
        // Where the node being read starts: at its first tag or anchor, if it has one.
        let mut node_start = None;
        loop {
            self.skip_blanks();
            let Some(byte) = self.peek() else {
                return Ok(None);
            };
            let column = match byte {
                b'!' | b'&' => *node_start.get_or_insert(self.column),
                _ => node_start.take().unwrap_or(self.column),
            };
            let next = self.peek_at(1);
            match byte {
                b'\n' => {
                    self.bump();
                    return Ok(None);
                }
                b'#' => {
                    self.skip_line();
                    return Ok(None);
                }
                b'-' | b'?' if expects_node && is_blank_or_end(next) => {
                    self.roll(column);
                    self.bump();
                }
                b':' if is_blank_or_end(next) => {
                    self.bump();
                    expects_node = true;
                }
                b'[' | b'{' => {
                    self.flow_collection()?;
                    self.key_if_colon(column);
                    expects_node = false;
                }
                b'\'' | b'"' => {
                    self.quoted(byte);
                    self.key_if_colon(column);
                    expects_node = false;
                }
                b'|' | b'>' if expects_node => {
                    self.skip_line();
                    return Ok(Some(self.continuation()));
                }
                b'!' | b'&' => self.skip_word(false),
                b'*' => {
                    self.skip_word(false);
                    self.key_if_colon(column);
                    expects_node = false;
                }
                _ => {
                    // A plain scalar: up to `: ` (it was a key), ` #` or the end of the line.
                    loop {
                        match self.peek() {
                            None | Some(b'\n') => return Ok(Some(self.continuation())),
                            Some(b':') if is_blank_or_end(self.peek_at(1)) => {
                                self.roll(column);
                                break;
                            }
                            Some(b' ' | b'\t') if self.peek_at(1) == Some(b'#') => {
                                self.skip_line();
                                return Ok(None);
                            }
                            Some(_) => self.bump(),
                        }
                    }
                    expects_node = false;
                }
            }
        }
    }

    /// After a node that started at `column`: if `: ` follows, the node was a key.
    fn key_if_colon(&mut self, column: usize) {
        let mut ahead = 0;
        while is_blank(self.peek_at(ahead)) {
            ahead += 1;
        }
        if self.peek_at(ahead) == Some(b':') && is_blank_or_end(self.peek_at(ahead + 1)) {
            self.roll(column);
        }
    }

    /// Moves past a quoted scalar, from its opening quote.
    fn quoted(&mut self, quote: u8) {
        self.bump();
        while let Some(byte) = self.peek() {
            if quote == b'"' && byte == b'\\' {
                self.bump();
                self.bump();
                continue;
            }
            self.bump();
            if byte == quote {
                // `''` is a quote inside a single-quoted scalar.
                if quote == b'\'' && self.peek() == Some(b'\'') {
                    self.bump();
                    continue;
                }
                return;
            }
        }
    }

    /// Moves past a flow collection, from its opening bracket to the bracket that closes it.
    fn flow_collection(&mut self) -> Result<(), TooDeep> {
        let mut depth = 0usize;
        let mut in_plain = false;
        // Whether the byte before is a blank or a line break (a `#` there starts a comment).
        let mut after_blank = true;
        while let Some(byte) = self.peek() {
            let next = self.peek_at(1);
            let blank = matches!(byte, b' ' | b'\t' | b'\r' | b'\n');
            match byte {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > self.limit {
                        return Err(TooDeep {
                            line: self.line,
                            column: self.column + 1,
                        });
                    }
                    self.deepest = self.deepest.max(depth);
                    in_plain = false;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    in_plain = false;
                    if depth == 0 {
                        self.bump();
                        return Ok(());
                    }
                }
                b',' => in_plain = false,
                b'#' if after_blank || !in_plain => {
                    self.skip_line();
                    after_blank = true;
                    continue;
                }
                b':' if !in_plain || is_blank_or_end(next) || is_flow_indicator(next) => {
                    in_plain = false;
                }
                b'\'' | b'"' if !in_plain => {
                    self.quoted(byte);
                    after_blank = false;
                    continue;
                }
                b'!' | b'&' | b'*' if !in_plain => {
                    self.skip_word(true);
                    after_blank = false;
                    continue;
                }
                b'?' | b'-' if !in_plain && is_blank_or_end(next) => {}
                _ if blank => {}
                _ => in_plain = true,
            }
            after_blank = blank;
            self.bump();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(text: &str) -> usize {
        flow_depth(text, 128).unwrap_or_else(|e| panic!("{e:?} in {text:?}"))
    }

    #[test]
    fn counts_nested_flow_collections() {
        assert_eq!(depth("a: [[1], {b: [2]}]\n"), 3);
        assert_eq!(depth("a: [\n  [1,\n   2],\n  3]\n"), 2);
        assert_eq!(depth(r#"{"a": ["[", "]]", {"b": [[]]}]}"#), 5);
        assert_eq!(depth("- [1]\n- - [[2]]\n"), 2);
        assert_eq!(depth("{a: [1], 'b[': 2, c: d[e}\n"), 2);
        assert_eq!(depth("a: !tag [x]\nb: &anchor {y: [z]}\n"), 2);
        assert_eq!(depth("--- [1, [2]]\n"), 2);
        assert_eq!(depth("? [a, b]\n: [[c]]\n"), 2);
    }

    #[test]
    fn brackets_in_text_are_not_collections() {
        assert_eq!(depth("a: see [x] and {y\nb: x[[z\n"), 0);
        assert_eq!(depth("a: |\n  [[[[\n  {{{\nb: [1]\n"), 1);
        assert_eq!(depth("a: >-\n  [[[[\n\n  [[[[\nb: c\n"), 0);
        assert_eq!(depth("a: '[[[' \nb: \"[[\\\"[\"\nc: 'it''s ['\n"), 0);
        assert_eq!(depth("a: b\n  [[[[\n  {{{{\nc: d\n"), 0);
        assert_eq!(depth("- b\n  [[[[\n"), 0);
        assert_eq!(depth("a: 1 # [[[[\n# {{{{\n"), 0);
        assert_eq!(depth("a: [1, 2] # [[[[\n"), 1);
        assert_eq!(depth("a: [x # ]]]]\n  , y]\nb: [[1]]\n"), 2);
        assert_eq!(depth("a: http://x/[y]\n"), 0);
        assert_eq!(depth("a: ключ [\nb: [1]\n"), 1);
    }

    #[test]
    fn a_scalar_ends_where_indentation_says() {
        // The value of `b` is a new node, not a continuation of `a`'s scalar.
        assert_eq!(depth("a: x\nb: [[1]]\n"), 2);
        assert_eq!(depth("outer:\n  a: x\n  b: [[1]]\n"), 2);
        assert_eq!(depth("- a: x\n  b: [[1]]\n"), 2);
        // More indented than the key that owns the scalar: a continuation.
        assert_eq!(depth("- a: x\n   [[1]]\n"), 0);
    }

    #[test]
    fn going_past_the_limit_names_the_bracket() {
        let text = format!("a: 1\nb: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            flow_depth(&text, 128),
            Err(TooDeep {
                line: 2,
                column: 4 + 128
            })
        );
        let text = format!("a: {}{}\n", "[".repeat(128), "]".repeat(128));
        assert_eq!(flow_depth(&text, 128), Ok(128));
    }

    /// How deep collections nest in a parsed document (keys included).
    fn value_depth(value: &yaml_serde::Value) -> usize {
        use yaml_serde::Value;
        match value {
            Value::Sequence(items) => 1 + items.iter().map(value_depth).max().unwrap_or(0),
            Value::Mapping(map) => {
                1 + map
                    .iter()
                    .map(|(k, v)| value_depth(k).max(value_depth(v)))
                    .max()
                    .unwrap_or(0)
            }
            Value::Tagged(tagged) => value_depth(&tagged.value),
            _ => 0,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..Default::default()
        })]

        /// Never more than the parser finds: a text the parser reads is never refused for
        /// nesting it does not have.
        #[test]
        fn never_counts_more_than_the_parser_nests(tokens in proptest::collection::vec(
            proptest::sample::select(vec![
                "[", "]", "{", "}", ",", ": ", ":", "- ", "? ", "'", "\"", "#", " ", "\n",
                "\n  ", "\n    ", "a", "b c", "| ", "> ", "!t ", "&a ", "*a", "\\", "\t", "x[",
                "---", "-", "?", "\r\n", "...\n", "%Y\n", "|-\n", "a: |\n",
            ]),
            0..40,
        )) {
            let text = tokens.concat();
            if let Ok(value) = yaml_serde::from_str::<yaml_serde::Value>(&text) {
                let counted = flow_depth(&text, 128).expect("within the limit");
                proptest::prop_assert!(
                    counted <= value_depth(&value),
                    "{text:?}: counted {counted}, parsed {}",
                    value_depth(&value)
                );
            }
        }
    }
}
