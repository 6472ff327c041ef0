#!/usr/bin/python3
"""Publish a WAV file (or the microphone) to a WHIP endpoint (RFC 9725) with GStreamer's webrtcbin.

For Debian 12 / Ubuntu, where gst-plugins-rs (whipclientsink) is not packaged:
  apt install gstreamer1.0-plugins-bad gstreamer1.0-nice gir1.2-gst-plugins-bad-1.0 python3-gi

  gst-whip-publish.py 'http://127.0.0.1:8000/whip?participant=gst' talk.wav [--token T] [--seconds N]
  gst-whip-publish.py 'http://127.0.0.1:8000/whip?participant=gst' --mic

The offer is POSTed once ICE gathering is complete (no trickle). A file plays once at its own pace; the microphone
runs until SIGTERM / Ctrl-C or --seconds. On exit the WHIP resource is DELETEd. Prints one line per step
(answered, connected, deleted, error: ...) for scripts and tests to follow.
"""
import argparse
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

FILE_SOURCE = "filesrc name=src ! decodebin ! audioconvert ! audioresample"
MIC_SOURCE = "autoaudiosrc ! audioconvert ! audioresample ! queue"
# clocksync paces a file at real time (nothing in webrtcbin syncs to the clock), from the first packet it lets through
ENCODE = ("opusenc ! rtpopuspay name=pay pt=111 ! clocksync sync-to-first=true "
          "! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 "
          "! webrtcbin name=webrtc bundle-policy=max-bundle")


_SAY = threading.Lock()


def say(line):
    # webrtcbin's threads and the main loop both report: print() writes the text and its newline separately, so
    # unguarded lines from two threads can run together ("connection-state: faileddeleted 200")
    with _SAY:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Publisher:
    def __init__(self, args):
        self.args = args
        self.location = None
        self.connected = False
        self.held = None
        self.stopping = False
        self.status = 0
        self.loop = GLib.MainLoop()
        self.pipeline = Gst.parse_launch((MIC_SOURCE if args.mic else FILE_SOURCE) + " ! " + ENCODE)
        if not args.mic:
            self.pipeline.get_by_name("src").set_property("location", args.wav)
        self.webrtc = self.pipeline.get_by_name("webrtc")
        # the payloader's pad made a sendrecv transceiver; a WHIP publisher only sends
        transceiver = self.webrtc.emit("get-transceiver", 0)
        transceiver.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering)
        self.webrtc.connect("notify::ice-connection-state", self.on_state)
        self.webrtc.connect("notify::connection-state", self.on_state)
        pay = self.pipeline.get_by_name("pay").get_static_pad("src")
        # packets before DTLS is up would be lost, or sent in a burst once it is: a file waits for the connection
        # (its caps go ahead, webrtcbin needs them for the offer), the microphone's audio until then is dropped
        if args.mic:
            pay.add_probe(Gst.PadProbeType.BUFFER, self.drop_until_connected)
        else:
            self.held = pay.add_probe(Gst.PadProbeType.BLOCK | Gst.PadProbeType.BUFFER,
                                      lambda *_: Gst.PadProbeReturn.OK)
        # webrtcbin never posts EOS on the bus: the file's end is seen where its packets leave the payloader
        pay.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, self.on_event)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def run(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, self.stop, 0)
        if self.args.seconds:
            GLib.timeout_add_seconds(self.args.seconds, self.stop, 0)
        self.pipeline.set_state(Gst.State.PLAYING)
        self.loop.run()
        return self.status

    # webrtcbin's signals come on its own threads: the HTTP exchange and the teardown run on the main loop

    def on_negotiation_needed(self, webrtc):
        webrtc.emit("create-offer", None, Gst.Promise.new_with_change_func(self.on_offer, None))

    def on_offer(self, promise, _):
        # the reply is kept while the offer is used: PyGObject does not copy the boxed description out of it
        reply = promise.get_reply()
        self.webrtc.emit("set-local-description", reply.get_value("offer"), None)

    def on_gathering(self, webrtc, _):
        if webrtc.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(self.post_offer)

    def request(self, url, method, body=None):
        headers = {"Content-Type": "application/sdp"} if body else {}
        if self.args.token:
            headers["Authorization"] = "Bearer " + self.args.token
        return urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method=method),
                                      timeout=10)

    def post_offer(self):
        offer = self.webrtc.get_property("local-description").sdp.as_text()
        try:
            with self.request(self.args.endpoint, "POST", offer.encode()) as response:
                if response.status != 201:
                    raise urllib.error.HTTPError(self.args.endpoint, response.status, "not 201 Created",
                                                 response.headers, response)
                self.location = urllib.parse.urljoin(self.args.endpoint, response.headers["Location"])
                answer = response.read().decode()
        except urllib.error.HTTPError as e:
            say("error: POST answered HTTP %d: %s" % (e.code, e.read().decode(errors="replace").strip()))
            return self.stop(1)
        except OSError as e:
            say("error: POST failed: %s" % e)
            return self.stop(1)
        _, sdp = GstSdp.SDPMessage.new_from_text(answer)
        description = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        self.webrtc.emit("set-remote-description", description, None)
        say("answered " + self.location)
        return False

    def on_state(self, webrtc, spec):
        state = webrtc.get_property(spec.name)
        say("%s: %s" % (spec.name, state.value_nick))
        if state.value_nick == "connected" and spec.name == "connection-state" and not self.connected:
            self.connected = True
            say("connected")
            if self.held:
                self.pipeline.get_by_name("pay").get_static_pad("src").remove_probe(self.held)
                self.held = None
        elif state.value_nick == "failed" and not self.stopping:
            # once the resource is DELETEd the server closes its side, and webrtcbin calls that a failure
            say("error: %s failed" % spec.name)
            GLib.idle_add(self.stop, 1)

    def drop_until_connected(self, _pad, _info):
        return Gst.PadProbeReturn.REMOVE if self.connected else Gst.PadProbeReturn.DROP

    def on_event(self, _pad, info):
        if info.get_event().type == Gst.EventType.EOS:
            say("end of file")
            GLib.idle_add(self.stop, 0)
        return Gst.PadProbeReturn.OK

    def on_error(self, _bus, message):
        error, debug = message.parse_error()
        say("error: %s (%s)" % (error.message, debug))
        self.stop(1)

    def stop(self, status):
        if not self.loop.is_running():
            return False
        self.status = self.status or status
        self.stopping = True
        if self.location:
            try:
                with self.request(self.location, "DELETE") as response:
                    say("deleted %d" % response.status)
            except urllib.error.HTTPError as e:
                say("error: DELETE answered HTTP %d" % e.code)
            except OSError as e:
                say("error: DELETE failed: %s" % e)
            self.location = None
        self.pipeline.set_state(Gst.State.NULL)
        self.loop.quit()
        return False


def main():
    parser = argparse.ArgumentParser(description="Publish a WAV file or the microphone over WHIP (webrtcbin).")
    parser.add_argument("endpoint", help="the WHIP endpoint, e.g. http://127.0.0.1:8000/whip?participant=gst")
    parser.add_argument("wav", nargs="?", help="the audio file to send (played once)")
    parser.add_argument("--mic", action="store_true", help="send the default microphone (autoaudiosrc) instead")
    parser.add_argument("--token", help="the Bearer token (steno serve --api-token)")
    parser.add_argument("--seconds", type=int, help="stop (and DELETE) after this many seconds")
    args = parser.parse_args()
    if bool(args.wav) == args.mic:
        parser.error("give either a WAV file or --mic")
    Gst.init(None)
    return Publisher(args).run()


if __name__ == "__main__":
    sys.exit(main())
