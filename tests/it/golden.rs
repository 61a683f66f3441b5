//! Golden frames written by the real Java `RemotingCommand` (4.9.8 and 5.3.3, `fixtures/remoting/`): each
//! decodes to exactly what Java decodes (the `.expect.json` sidecar) and re-encodes to the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bytes::BytesMut;
use serde::Deserialize;
use thruster::remoting::{frame, RemotingCommand, SerializeType};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expect {
    code: i32,
    language: Option<String>,
    version: i32,
    opaque: i32,
    flag: i32,
    remark: Option<String>,
    ext_fields: Option<BTreeMap<String, String>>,
    serialize_type: String,
    body_len: usize,
}

fn frame_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/remoting");
    let mut out = Vec::new();
    for version in ["v4.9.8", "v5.3.3"] {
        for ty in ["json", "rocketmq"] {
            let dir = root.join(version).join("frames").join(ty);
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name.ends_with(".bin") && !name.ends_with(".encode.bin") {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out
}

fn decode_whole(bytes: &[u8]) -> RemotingCommand {
    let mut buf = BytesMut::from(bytes);
    let cmd = frame::decode(&mut buf).expect("decodes").expect("a whole frame");
    assert!(buf.is_empty(), "exactly one frame");
    cmd
}

#[test]
fn golden_frames_decode_like_java() {
    let files = frame_files();
    assert!(files.len() >= 80, "expected the full fixture set, found {}", files.len());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let cmd = decode_whole(&bytes);
        let expect: Expect =
            serde_json::from_slice(&std::fs::read(path.with_extension("expect.json")).unwrap()).unwrap();
        let what = path.display();
        assert_eq!(cmd.code, expect.code, "{what}: code");
        assert_eq!(cmd.language.map(|l| l.name().to_owned()), expect.language, "{what}: language");
        assert_eq!(cmd.version, expect.version, "{what}: version");
        assert_eq!(cmd.opaque, expect.opaque, "{what}: opaque");
        assert_eq!(cmd.flag, expect.flag, "{what}: flag");
        assert_eq!(cmd.remark, expect.remark, "{what}: remark");
        let ext = cmd.ext_fields.as_ref().map(|e| e.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect());
        assert_eq!(ext, expect.ext_fields, "{what}: extFields");
        let ty = match cmd.serialize_type {
            SerializeType::Json => "JSON",
            SerializeType::RocketMq => "ROCKETMQ",
        };
        assert_eq!(ty, expect.serialize_type, "{what}: serialize type");
        assert_eq!(cmd.body_len(), expect.body_len, "{what}: body length");
    }
}

#[test]
fn golden_frames_reencode_byte_for_byte() {
    for path in frame_files() {
        let bytes = std::fs::read(&path).unwrap();
        let cmd = decode_whole(&bytes);
        let again = frame::encode_to_bytes(&cmd).unwrap();
        assert!(
            again[..] == bytes[..],
            "{}: re-encoded bytes differ\n java: {:?}\n ours: {:?}",
            path.display(),
            String::from_utf8_lossy(&bytes),
            String::from_utf8_lossy(&again)
        );
    }
}
