//! A bound on how deeply a statement can nest, checked before DataFusion sees it.
//!
//! DataFusion plans and optimises expressions recursively: `1+1+…+1` with 5,000 terms is an
//! expression 5,000 levels deep and overflowed the stack (SIGABRT) instead of failing. Nesting
//! by parentheses is bounded by the SQL parser's own recursion limit; a chain of binary
//! operators is not, so the number of operators is bounded here. Real queries use tens.

/// More binary operators than this in one statement are refused (the binary's 256 MiB stacks
/// hold several times as many, in the unoptimised test build too).
pub const MAX_OPERATORS: usize = 1_000;

/// The operators in `sql` outside string literals, quoted identifiers and comments
/// (`+ - * / % || = <> != < > <= >= AND OR`, each counted once). A unary minus or the `*` of
/// `count(*)` counts too: an upper bound, which is what a limit needs.
pub fn operators(sql: &str) -> usize {
    let mut count = 0;
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, count: &mut usize| {
        if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") {
            *count += 1;
        }
        word.clear();
    };
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut count);
        match c {
            '\'' | '"' => {
                // Skip to the closing quote (a doubled quote stays inside).
                while let Some(d) = chars.next() {
                    if d == c && chars.peek() != Some(&c) {
                        break;
                    }
                    if d == c {
                        chars.next();
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
            }
            '+' | '-' | '*' | '/' | '%' | '=' => count += 1,
            '|' if chars.peek() == Some(&'|') => {
                chars.next();
                count += 1;
            }
            '<' | '>' | '!' => {
                if matches!(chars.peek(), Some('=' | '>')) {
                    chars.next();
                }
                count += 1;
            }
            _ => {}
        }
    }
    flush(&mut word, &mut count);
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_operators_not_text() {
        assert_eq!(operators("SELECT 1 + 2 * 3"), 2);
        assert_eq!(operators("SELECT count(*) FROM invocations"), 1);
        assert_eq!(operators("SELECT 'a+b-c' || \"x-y\" -- 1+1+1\n"), 1);
        assert_eq!(operators("SELECT 1 /* + + + */ + 2"), 1);
        assert_eq!(operators("WHERE a >= 1 AND b <> 2 OR c != 3"), 5);
        assert_eq!(operators("SELECT 'it''s + here'"), 0);
        assert_eq!(operators("SELECT android, order_id"), 0);
    }

    proptest! {
        /// Any text: no panic, and never more operators than characters.
        #[test]
        fn any_text_is_counted_without_panicking(sql in ".{0,400}") {
            prop_assert!(operators(&sql) <= sql.chars().count());
        }
    }
}
