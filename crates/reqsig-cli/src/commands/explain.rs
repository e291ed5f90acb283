//! Showing a signature base so that a mismatch is easy to see.

/// Renders one line: trailing spaces as `·` and bytes outside printable ASCII as `\xNN`.
fn visible(line: &[u8]) -> String {
    let trailing = line.iter().rev().take_while(|b| **b == b' ').count();
    let (body, spaces) = line.split_at(line.len() - trailing);
    let mut out = String::with_capacity(line.len() + 8);
    for byte in body {
        match byte {
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(char::from(*byte)),
            other => out.push_str(&format!("\\x{other:02x}")),
        }
    }
    out.push_str(&"·".repeat(spaces.len()));
    out
}

/// Prints a base with line numbers.
pub fn numbered(base: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in base.split(|b| *b == b'\n').enumerate() {
        out.push_str(&format!("{:>3} | {}\n", i + 1, visible(line)));
    }
    out
}

/// A line diff of the expected base (`-`) against the rebuilt one (`+`).
pub fn diff(expected: &[u8], rebuilt: &[u8]) -> String {
    let old: Vec<&[u8]> = expected
        .strip_suffix(b"\n")
        .unwrap_or(expected)
        .split(|b| *b == b'\n')
        .collect();
    let new: Vec<&[u8]> = rebuilt.split(|b| *b == b'\n').collect();
    // Longest common subsequence table, filled from the end.
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            out.push_str(&format!("  {:>3} | {}\n", j + 1, visible(new[j])));
            i += 1;
            j += 1;
        } else if j < new.len() && (i == old.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {:>3} | {}\n", j + 1, visible(new[j])));
            j += 1;
        } else {
            out.push_str(&format!("- {:>3} | {}\n", i + 1, visible(old[i])));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_marks_trailing_space_and_bytes() {
        assert_eq!(visible(b"\"x\": a  "), "\"x\": a··");
        assert_eq!(visible(b"caf\xc3\xa9"), "caf\\xc3\\xa9");
    }

    #[test]
    fn diff_marks_changed_line() {
        let out = diff(b"a\nb\nc", b"a\nB\nc");
        assert_eq!(out, "    1 | a\n+   2 | B\n-   2 | b\n    3 | c\n");
    }
}
