//! `urja-spec-shake WASM...`: the post-build step soroban-sdk 28 expects from its build system.
//!
//! soroban-sdk embeds a spec entry for every type and event and a marker in the data section
//! for each one the contract really uses; the build tool must drop the unmarked entries from
//! the `contractspecv0` custom section (what `stellar contract build` does). We build with
//! cargo directly, so this tool does that step with `soroban_spec::shaking`, rewriting each
//! WASM in place. It refuses a file that is not a WASM module or has no contract spec.
//!
//! It also cuts every doc string in the spec to its first sentence: the full text lives in
//! the source and in `docs/contracts.md`, and bytes in the spec count against the 64 KiB
//! WASM limit.
use std::io::Cursor;
use std::process::ExitCode;

use soroban_spec::{read, shaking};
use stellar_xdr::{Limits, ScSpecEntry, WriteXdr};

const SPEC_SECTION: &str = "contractspecv0";
const WASM_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// One top-level section: its id and the byte range of its content.
struct Section {
    id: u8,
    start: usize,
    end: usize,
}

fn sections(wasm: &[u8]) -> Result<Vec<Section>, String> {
    if wasm.len() < 8 || wasm[..8] != WASM_HEADER {
        return Err("not a WASM module (bad header)".into());
    }
    let mut out = Vec::new();
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        let mut cur = Cursor::new(&wasm[pos + 1..]);
        let size =
            leb128::read::unsigned(&mut cur).map_err(|e| format!("bad section size: {e}"))?;
        let start = pos + 1 + cur.position() as usize;
        let end = start
            .checked_add(size as usize)
            .filter(|&e| e <= wasm.len());
        let end = end.ok_or_else(|| format!("section at byte {pos} runs past the end"))?;
        out.push(Section { id, start, end });
        pos = end;
    }
    Ok(out)
}

fn custom_name(content: &[u8]) -> Option<(&str, usize)> {
    let mut cur = Cursor::new(content);
    let len = leb128::read::unsigned(&mut cur).ok()? as usize;
    let at = cur.position() as usize;
    let name = std::str::from_utf8(content.get(at..at + len)?).ok()?;
    Some((name, at + len))
}

fn write_section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    leb128::write::unsigned(out, content.len() as u64).expect("writing to a Vec");
    out.extend_from_slice(content);
}

/// First sentence (or line) of a doc string, as stellar-xdr's serde writes it: escaped, so a
/// line break is the two characters `\n`.
fn first_sentence(doc: &str) -> String {
    let line = doc.split("\\n").next().unwrap_or("").trim();
    match line.find(". ") {
        Some(i) => line[..=i].to_string(),
        None => line.to_string(),
    }
}

fn shorten(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x {
                    serde_json::Value::String(s) if k == "doc" => *s = first_sentence(s),
                    _ => shorten(x),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(shorten),
        _ => {}
    }
}

/// The entry with every `doc` field cut to its first sentence.
fn shorten_docs(entry: ScSpecEntry) -> Result<ScSpecEntry, String> {
    let mut v = serde_json::to_value(&entry).map_err(|e| e.to_string())?;
    shorten(&mut v);
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// Returns the shaken WASM and the number of entries kept and dropped.
fn shake(wasm: &[u8]) -> Result<(Vec<u8>, usize, usize), String> {
    let entries = read::from_wasm(wasm).map_err(|e| format!("cannot read contract spec: {e}"))?;
    let markers = shaking::find_all(wasm);
    let total = entries.len();
    let mut spec = Vec::new();
    let mut kept = 0;
    for entry in shaking::filter(entries, &markers) {
        let entry = shorten_docs(entry)?;
        spec.extend(entry.to_xdr(Limits::none()).map_err(|e| e.to_string())?);
        kept += 1;
    }
    let mut out = WASM_HEADER.to_vec();
    let mut replaced = false;
    for s in sections(wasm)? {
        let content = &wasm[s.start..s.end];
        match custom_name(content) {
            Some((SPEC_SECTION, at)) if s.id == 0 && !replaced => {
                let mut new = content[..at].to_vec();
                new.extend_from_slice(&spec);
                write_section(&mut out, 0, &new);
                replaced = true;
            }
            Some((SPEC_SECTION, _)) if s.id == 0 => {} // merge duplicates into the first
            _ => write_section(&mut out, s.id, content),
        }
    }
    if !replaced {
        return Err(format!("no {SPEC_SECTION} section"));
    }
    Ok((out, kept, total - kept))
}

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: urja-spec-shake CONTRACT.wasm...");
        return ExitCode::from(2);
    }
    for path in paths {
        let result = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|wasm| shake(&wasm))
            .and_then(|(out, kept, dropped)| {
                std::fs::write(&path, out).map_err(|e| e.to_string())?;
                Ok((kept, dropped))
            });
        match result {
            Ok((kept, dropped)) => println!("{path}: spec entries kept {kept}, dropped {dropped}"),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod test {
    use super::*;
    use stellar_xdr::{ScSpecFunctionV0, ScSymbol, StringM};

    fn function(doc: &str) -> ScSpecEntry {
        ScSpecEntry::FunctionV0(ScSpecFunctionV0 {
            doc: StringM::try_from(doc).unwrap(),
            name: ScSymbol(StringM::try_from("f").unwrap()),
            inputs: Default::default(),
            outputs: Default::default(),
        })
    }

    #[test]
    fn docs_are_cut_to_their_first_sentence_or_line() {
        for (doc, cut) in [
            (
                "Accepts a transfer.\n\n# Errors\n\n* `NoPending` - none.",
                "Accepts a transfer.",
            ),
            (
                "Deploys the token with its owner\n(the market).",
                "Deploys the token with its owner",
            ),
            ("One. Two.", "One."),
            ("Only line", "Only line"),
        ] {
            match shorten_docs(function(doc)).unwrap() {
                ScSpecEntry::FunctionV0(f) => assert_eq!(f.doc.to_utf8_string_lossy(), cut),
                _ => unreachable!(),
            }
        }
    }
}
