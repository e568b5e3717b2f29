"""Writes the audio_*.json and video_*.json conformance cases (docs/conformance.md format) into
tests/conformance/cases/. Run from anywhere with the reference venv's python (it needs numpy,
soundfile and Pillow to make the small fixture files):

    python crates/wb-video/tests/make_conformance_cases.py

Arrays are closed-form formulas kept small (cases are JSON); the expected behaviour is whatever
wandb 0.31.0 does, which `cargo xtask conformance` checks.
"""
import base64, io, json, os
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(ROOT, "tests", "conformance", "cases")

def nd(a):
    a = np.asarray(a)
    return {"$ndarray": {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.reshape(-1).tolist()}}

def wb(cls, **args):
    return {"$wb": cls, "args": args}

def b64(data):
    return base64.b64encode(data).decode()

def ramp(shape, mul=7, mod=256, off=0):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return ((i * mul + i // 5 + off) % mod).reshape(shape)

def wav_bytes():
    import soundfile
    b = io.BytesIO()
    soundfile.write(b, (np.arange(40) % 9 - 4).astype(np.int16) * 1000, 8000, format="WAV")
    return b.getvalue()

def gif_bytes():
    from PIL import Image
    frames = [Image.fromarray(ramp((6, 6, 3), off=k).astype(np.uint8)) for k in range(2)]
    b = io.BytesIO()
    frames[0].save(b, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return b.getvalue()

FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom not a real movie"
FAKE_WEBM = b"\x1aE\xdf\xa3\x9fB\x86\x81\x01 not a real webm"
FAKE_OGG = b"OggS\x00\x02 not a real ogg"
FAKE_MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0f not a real mp3"

def audio_floats(n, lo, hi):
    i = np.arange(n, dtype=np.int64)
    return ((i * 37) % 201 - 100) / 100.0 * (hi - lo) / 2 + (hi + lo) / 2

CASES = {}

def case(name, about, log=None, add=None, step=0, expect="ok", files=None):
    c = {"about": about}
    if add is not None:
        c["target"] = "artifact"
        c["add"] = add
    else:
        c["target"] = "run"
        c["step"] = step
        c["log"] = log
    c["expect"] = expect
    if files:
        c["files"] = {k: b64(v) for k, v in files.items()}
    CASES[name] = c

# ---- audio ----
case("audio_mono_f32", "mono float32 samples, WAV byte-identical to soundfile's",
     log={"aud": wb("Audio", data_or_path=nd(audio_floats(64, -0.9, 0.9).astype(np.float32)), sample_rate=8000)})
clip = np.concatenate([np.array([0.5, 1.0, -1.0, 1.5, -2.0, 0.99999, -0.99999]),
                       (np.arange(-6, 6) + 0.5) / 32768.0, (np.arange(-6, 6) + 0.25) / 32768.0])
case("audio_mono_f64_clipping", "float64 samples at and beyond full scale, and half steps: libsndfile's conversion",
     log={"aud": wb("Audio", data_or_path=nd(clip), sample_rate=16000)})
case("audio_stereo_f64", "stereo (n, 2) float64",
     log={"aud": wb("Audio", data_or_path=nd(audio_floats(64, -1, 1).reshape(32, 2)), sample_rate=44100)})
case("audio_mono_i16", "int16 samples written unchanged",
     log={"aud": wb("Audio", data_or_path=nd((np.arange(50) * 1311 - 32768).astype(np.int16)), sample_rate=22050)})
case("audio_int32", "int32 samples keep their high 16 bits",
     log={"aud": wb("Audio", data_or_path=nd((np.arange(20, dtype=np.int64) * 214748364 - 2**31).astype(np.int32)), sample_rate=8000)})
case("audio_caption_step", "a caption, a nested key and step 5",
     log={"sounds/a": wb("Audio", data_or_path=nd(audio_floats(30, -0.5, 0.5)), sample_rate=1000, caption="h\u00e9llo")}, step=5)
case("audio_four_channels", "(n, 4) int16: four channels, plain PCM header",
     log={"aud": wb("Audio", data_or_path=nd((np.arange(40) * 900 - 18000).astype(np.int16).reshape(10, 4)), sample_rate=8000)})
case("audio_missing_sample_rate", "raw data without sample_rate is the SDK's ValueError",
     log={"aud": wb("Audio", data_or_path=nd(audio_floats(10, -1, 1)))}, expect="error")
case("audio_int64_error", "int64 samples: soundfile refuses the dtype",
     log={"aud": wb("Audio", data_or_path=nd(np.arange(5, dtype=np.int64)), sample_rate=8000)}, expect="error")
case("audio_three_dims_error", "a 3-D array is not audio",
     log={"aud": wb("Audio", data_or_path=nd(np.zeros((2, 2, 2), dtype=np.int16)), sample_rate=8000)}, expect="error")
case("audio_path_wav", "a .wav file is copied as it is; no sample rate or duration",
     log={"aud": wb("Audio", data_or_path={"$file": "clip.wav"})}, files={"clip.wav": wav_bytes()})
case("audio_path_mp3", "any extension is accepted and copied",
     log={"aud": wb("Audio", data_or_path={"$file": "song.mp3"}, caption="from a file")}, files={"song.mp3": FAKE_MP3})
case("audio_list_captions", "a list: sampleRates and durations with null for the file, captions with \"\" placeholders",
     log={"aud": [wb("Audio", data_or_path=nd(audio_floats(80, -1, 1)), sample_rate=8000, caption="x"),
                  wb("Audio", data_or_path=nd(audio_floats(40, -0.5, 0.5)), sample_rate=16000),
                  wb("Audio", data_or_path={"$file": "clip.wav"})]},
     files={"clip.wav": wav_bytes()}, step=2)
case("audio_list_no_captions", "a list without captions has no captions key",
     log={"aud": [wb("Audio", data_or_path=nd(audio_floats(80, -1, 1)), sample_rate=8000),
                  wb("Audio", data_or_path=nd(audio_floats(30, -0.25, 0.5).astype(np.float32)), sample_rate=3000)]})
case("audio_artifact_caption", "a captioned clip in an artifact, read back by both sides",
     add={"clip": wb("Audio", data_or_path=nd(audio_floats(50, -1, 1)), sample_rate=8000, caption="c")})
case("audio_artifact_path", "a file in an artifact: <sha20>/<basename>",
     add={"song": wb("Audio", data_or_path={"$file": "song.mp3"}, caption="s")}, files={"song.mp3": FAKE_MP3})

# ---- video ----
def vid(kind_shape, dtype="uint8", mul=7, mod=256, off=0):
    return nd(ramp(kind_shape, mul, mod, off).astype(dtype))

case("video_4d_gif", "(T, C, H, W) uint8 to GIF at the default 4 fps",
     log={"vid": wb("Video", data_or_path=vid((4, 3, 6, 5)), format="gif")})
case("video_5d_b1", "(1, T, C, H, W): a batch of one",
     log={"vid": wb("Video", data_or_path=vid((1, 3, 3, 4, 4)), format="gif")})
case("video_5d_b2", "a batch of 2 tiles as 1x2",
     log={"vid": wb("Video", data_or_path=vid((2, 3, 3, 4, 5)), format="gif")})
case("video_5d_b3", "a batch of 3 tiles as 1x4 with a black clip",
     log={"vid": wb("Video", data_or_path=vid((3, 2, 3, 5, 4)), format="gif")})
case("video_5d_b5", "a batch of 5 tiles as 2x4",
     log={"vid": wb("Video", data_or_path=vid((5, 2, 3, 3, 2)), format="gif")})
case("video_float64_cast", "float64 cast to uint8 without scaling (negatives and >255 wrap)",
     log={"vid": wb("Video", data_or_path=nd(ramp((3, 3, 4, 4), 37, 1201) - 400 + 0.75), format="gif")})
case("video_int64_cast", "int64 wraps modulo 256",
     log={"vid": wb("Video", data_or_path=nd(ramp((3, 3, 4, 4), 53, 2000) - 700), format="gif")})
case("video_int16_cast", "int16 wraps modulo 256",
     log={"vid": wb("Video", data_or_path=vid((2, 3, 4, 4), "int16", 91, 3000), format="gif")})
case("video_bool_cast", "bool frames are 0/1",
     log={"vid": wb("Video", data_or_path=nd(ramp((2, 3, 3, 3), 1, 2).astype(bool)), format="gif")})
case("video_fps_caption", "fps 10 (delay 10) and a caption, nested key",
     log={"clips/v": wb("Video", data_or_path=vid((3, 3, 4, 6)), fps=10, caption="ten fps", format="gif")}, step=7)
case("video_fps_float", "a fractional fps: 2.5 gives 400 ms frames",
     log={"vid": wb("Video", data_or_path=vid((3, 3, 4, 4)), fps=2.5, format="gif")})
case("video_fps3_drops_frame", "6 frames at 3 fps: moviepy samples 5",
     log={"vid": wb("Video", data_or_path=vid((6, 3, 4, 4)), fps=3, format="gif")})
still = np.broadcast_to(ramp((1, 3, 5, 5), 11), (4, 3, 5, 5)).astype(np.uint8)
case("video_still_frames_merge", "identical frames are merged into one longer frame",
     log={"vid": wb("Video", data_or_path=nd(still), fps=3, format="gif")})
case("video_one_frame", "a single frame",
     log={"vid": wb("Video", data_or_path=vid((1, 3, 8, 8)), format="gif")})
case("video_two_channels", "2 channels: gray from the first",
     log={"vid": wb("Video", data_or_path=vid((3, 2, 4, 4)), format="gif")})
case("video_four_channels", "4 channels: RGB, alpha dropped",
     log={"vid": wb("Video", data_or_path=vid((3, 4, 4, 4)), format="gif")})
case("video_many_colours", "more than 256 colours in a frame: median cut",
     log={"vid": wb("Video", data_or_path=nd((ramp((2, 3, 16, 24), 97, 65521) % 256).astype(np.uint8)), format="gif")})
case("video_three_dims_error", "fewer than 4 dimensions is the SDK's ValueError",
     log={"vid": wb("Video", data_or_path=vid((3, 4, 4)), format="gif")}, expect="error")
case("video_no_format_error", "an array needs a format",
     log={"vid": wb("Video", data_or_path=vid((2, 3, 4, 4)))}, expect="error")
case("video_bad_format_error", "format must be gif, mp4, webm or ogg",
     log={"vid": wb("Video", data_or_path=vid((2, 3, 4, 4)), format="avi")}, expect="error")
case("video_path_mp4", "an .mp4 file is copied as it is",
     log={"vid": wb("Video", data_or_path={"$file": "clip.mp4"}, caption="file")}, files={"clip.mp4": FAKE_MP4})
case("video_path_webm", "a .webm file is copied; fps has no effect",
     log={"vid": wb("Video", data_or_path={"$file": "clip.webm"}, fps=30)}, files={"clip.webm": FAKE_WEBM})
case("video_path_ogg", "an .ogg file is copied",
     log={"vid": wb("Video", data_or_path={"$file": "clip.ogg"})}, files={"clip.ogg": FAKE_OGG})
case("video_path_gif_upper", "a .GIF file (extension case kept in the name)",
     log={"vid": wb("Video", data_or_path={"$file": "anim.GIF"})}, files={"anim.GIF": gif_bytes()})
case("video_bad_extension_error", "an .avi file is the SDK's ValueError",
     log={"vid": wb("Video", data_or_path={"$file": "clip.avi"})}, files={"clip.avi": FAKE_MP4}, expect="error")
case("video_list_captions", "a list whose first item has a caption: captions is a list with null",
     log={"vid": [wb("Video", data_or_path=vid((2, 3, 4, 4)), caption="first", format="gif"),
                  wb("Video", data_or_path={"$file": "clip.mp4"})]}, files={"clip.mp4": FAKE_MP4})
case("video_list_captions_false", "a list whose first item has no caption: captions is false",
     log={"vid": [wb("Video", data_or_path=vid((2, 3, 4, 4)), format="gif"),
                  wb("Video", data_or_path=vid((3, 3, 4, 4), off=3), caption="second", format="gif")]})
case("video_artifact_gif", "a GIF from an array in an artifact: width and height kept",
     add={"clip": wb("Video", data_or_path=vid((3, 3, 4, 6)), caption="c", format="gif")})
case("video_artifact_path", "a video file in an artifact",
     add={"movie": wb("Video", data_or_path={"$file": "clip.mp4"})}, files={"clip.mp4": FAKE_MP4})

def main():
    os.makedirs(OUT, exist_ok=True)
    for name, c in CASES.items():
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(c, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print(len(CASES), "cases")

main()
