//! The words of a lock line: plain, or a JSON string where a word has a space, a quote or
//! nothing in it; `@` before the place of an item in the spec.

use std::path::{Path, PathBuf};

use super::super::super::ir::{ParamType, TypeRef};
use super::types::{parse_param_type, parse_type};
use crate::error::{Error, Location, Result};

/// `text` as a word: itself, or a JSON string where it has a space, a quote, a leading `@`
/// or `#`, or nothing.
pub(super) fn word(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.starts_with('@')
        && !text.starts_with('#')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c.is_control());
    if plain {
        text.to_owned()
    } else {
        serde_json::Value::String(text.to_owned()).to_string()
    }
}

/// The error for a lock line: its file, line and column.
pub(super) fn syntax(path: &Path, line: usize, column: usize, message: String) -> Error {
    Error::Syntax {
        file: path.to_path_buf(),
        line,
        column,
        message,
    }
}

/// The words of one line, read left to right.
pub(super) struct Words<'a> {
    pub(super) rest: &'a str,
    pub(super) line: usize,
    /// 1-based column of `rest` in the line.
    pub(super) column: usize,
    /// 1-based column of the last word taken: where an error about it points.
    pub(super) word_column: usize,
    pub(super) path: &'a Path,
}

impl Words<'_> {
    pub(super) fn error(&self, message: String) -> Error {
        syntax(self.path, self.line, self.word_column, message)
    }

    /// The next word, if any, without taking it.
    pub(super) fn peek(&self) -> Option<String> {
        let mut copy = Words {
            rest: self.rest,
            line: self.line,
            column: self.column,
            word_column: self.word_column,
            path: self.path,
        };
        copy.next("a word").ok()
    }

    /// The next word; an error naming `what` if there is none or it is badly quoted.
    pub(super) fn next(&mut self, what: &str) -> Result<String> {
        let trimmed = self.rest.trim_start();
        self.column += self.rest.len() - trimmed.len();
        self.rest = trimmed;
        self.word_column = self.column;
        if trimmed.is_empty() {
            return Err(self.error(format!("{what} is missing")));
        }
        let (word, len) = if trimmed.starts_with('"') {
            let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<String>();
            match stream.next() {
                Some(Ok(word)) => (word, stream.byte_offset()),
                _ => return Err(self.error(format!("{what}: a badly quoted word"))),
            }
        } else {
            let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            (trimmed[..len].to_owned(), len)
        };
        self.rest = &trimmed[len..];
        self.column += len;
        Ok(word)
    }

    pub(super) fn number(&mut self, what: &str) -> Result<usize> {
        let word = self.next(what)?;
        word.parse()
            .map_err(|_| self.error(format!("{what}: `{word}` is not a number")))
    }

    /// Takes the word `flag` if it comes next.
    pub(super) fn flag(&mut self, flag: &str) -> bool {
        if self.peek().as_deref() == Some(flag) {
            let _ = self.next(flag);
            true
        } else {
            false
        }
    }

    /// Takes `key=value` if it comes next, and gives the value.
    pub(super) fn keyed_word(&mut self, key: &str) -> Option<String> {
        let value = self
            .peek()?
            .strip_prefix(key)?
            .strip_prefix('=')?
            .to_owned();
        let _ = self.next(key);
        Some(value)
    }

    pub(super) fn keyed(&mut self, key: &str) -> Result<Option<usize>> {
        match self.keyed_word(key) {
            None => Ok(None),
            Some(value) => value
                .parse()
                .map(Some)
                .map_err(|_| self.error(format!("{key}=`{value}` is not a number"))),
        }
    }

    /// The `@file#pointer` place of the item.
    pub(super) fn at(&mut self) -> Result<Location> {
        let trimmed = self.rest.trim_start();
        if !trimmed.starts_with('@') {
            return Err(
                self.error("the item's place in the spec (`@file#pointer`) is missing".into())
            );
        }
        self.column += self.rest.len() - trimmed.len() + 1;
        self.rest = &trimmed[1..];
        let text = self.next("the item's place in the spec")?;
        let (file, pointer) = text.split_once('#').unwrap_or((&text, ""));
        Ok(Location {
            file: PathBuf::from(file),
            pointer: pointer.to_owned(),
        })
    }

    pub(super) fn ty(&mut self) -> Result<TypeRef> {
        let word = self.next("a type")?;
        parse_type(&word).ok_or_else(|| self.error(format!("`{word}` is not a type")))
    }

    pub(super) fn param_type(&mut self) -> Result<ParamType> {
        let word = self.next("the parameter's type")?;
        parse_param_type(&word)
            .ok_or_else(|| self.error(format!("`{word}` is not a parameter type")))
    }

    /// Nothing may follow on the line.
    pub(super) fn end(&self) -> Result<()> {
        let rest = self.rest.trim();
        if rest.is_empty() {
            Ok(())
        } else {
            Err(self.error(format!("unexpected `{rest}`")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_spaces_and_quotes_are_json_strings() {
        assert_eq!(word("plain"), "plain");
        assert_eq!(word("a b"), r#""a b""#);
        assert_eq!(word(""), r#""""#);
        assert_eq!(word("say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(word("@x"), r#""@x""#);
        let mut words = Words {
            rest: r#"variant A "a b \"c\"" tail"#,
            line: 1,
            column: 1,
            word_column: 1,
            path: Path::new("rust-api.lock"),
        };
        assert_eq!(words.next("k").ok().as_deref(), Some("variant"));
        assert_eq!(words.next("k").ok().as_deref(), Some("A"));
        assert_eq!(words.next("k").ok().as_deref(), Some("a b \"c\""));
        assert_eq!(words.next("k").ok().as_deref(), Some("tail"));
        assert!(words.next("the end").is_err());
    }
}
