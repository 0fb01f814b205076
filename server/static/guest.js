// The guest page: sign in with the invitation, then talk through the browser's WebRTC.
// Plain DOM, no framework: native form controls are keyboard operable and labelled, and
// every change that matters is written to the polite live region (#status).
"use strict";
(() => {
  const root = document.getElementById("guest");
  if (!root) return;
  const M = JSON.parse(root.dataset.messages);
  const roomId = root.dataset.room;
  const $ = (id) => document.getElementById(id);
  const form = $("join-form"), nameInput = $("name"), call = $("call");
  const muteButton = $("mute"), leaveButton = $("leave"), people = $("people");
  const remote = $("remote");
  let ws = null, pc = null, stream = null, nextId = 0, leaving = false;
  let roster = new Map(), speaking = new Set();
  const pending = new Map();
  const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");
  const say = (text) => { $("status").textContent = text; };

  function request(message) {
    message.id = ++nextId;
    ws.send(JSON.stringify(message));
    return new Promise((resolve, reject) => pending.set(message.id, { resolve, reject }));
  }

  function onMessage(message) {
    if (message.id != null && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === "error") reject(message); else resolve(message);
      return;
    }
    switch (message.type) {
      case "guest.room": showRoster(message.people); break;
      case "voice.speaking": speaking = new Set(message.speaking); drawRoster(); break;
      case "voice.closed": if (!leaving) say(message.reason); break;
      case "error": say(message.message); break;
    }
  }

  function showRoster(list) {
    const next = new Map(list.map((p) => [p.id, p]));
    const me = window.yoriaiGuest.personId;
    if (roster.size) {
      for (const [id, p] of next) if (!roster.has(id) && id !== me) say(fill(M.arrived, { name: p.name }));
      for (const [id, p] of roster) if (!next.has(id) && id !== me) say(fill(M.departed, { name: p.name }));
    }
    roster = next;
    drawRoster();
  }

  function drawRoster() {
    people.replaceChildren(...[...roster.values()].map((p) => {
      const li = document.createElement("li");
      const notes = [];
      if (p.guest) notes.push(M.guest);
      if (speaking.has(p.id)) { notes.push(M.speaking); li.className = "speaking"; }
      li.textContent = notes.length ? `${p.name} (${notes.join(", ")})` : p.name;
      return li;
    }));
  }

  function connectSocket() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + "/");
    ws.onmessage = (event) => onMessage(JSON.parse(event.data));
    ws.onclose = () => {
      for (const { reject } of pending.values()) reject({ message: M.closed });
      pending.clear();
      if (!leaving && !window.yoriaiGuest.failed) say(M.closed);
    };
    return new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject({ message: M.closed });
    });
  }

  async function gathered(peer, ms) {
    if (peer.iceGatheringState === "complete") return;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      peer.addEventListener("icegatheringstatechange", () => {
        if (peer.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
      });
    });
  }

  async function join(name) {
    say(M.connecting);
    await connectSocket();
    const welcome = await request({ type: "guest.join", v: 1, invite: root.dataset.invite, name });
    window.yoriaiGuest.personId = welcome.person_id;
    form.hidden = true;
    call.hidden = false;
    const config = await request({ type: "voice.config" });
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      stream = null;
      say(M.no_mic);
    }
    pc = new RTCPeerConnection({
      iceServers: config.ice_servers.map((s) => ({
        urls: s.urls, username: s.username ?? undefined, credential: s.credential ?? undefined,
      })),
    });
    window.yoriaiGuest.pc = pc;
    if (stream) for (const track of stream.getAudioTracks()) pc.addTrack(track, stream);
    else pc.addTransceiver("audio", { direction: "recvonly" });
    pc.ontrack = (event) => {
      remote.srcObject = event.streams[0] || new MediaStream([event.track]);
      window.yoriaiGuest.remoteStream = remote.srcObject;
    };
    let answered = false;
    const late = [];
    const trickle = (c) => request({
      type: "voice.ice", room_id: roomId, candidate: c.candidate,
      sdp_mid: c.sdpMid, sdp_mline_index: c.sdpMLineIndex,
    }).catch(() => {});
    pc.onicecandidate = (event) => {
      if (!event.candidate || !event.candidate.candidate) return;
      if (answered) trickle(event.candidate); else late.push(event.candidate);
    };
    pc.onconnectionstatechange = () => {
      window.yoriaiGuest.connection = pc.connectionState;
      if (pc.connectionState === "connected") say(M.connected);
      if (pc.connectionState === "failed") say(M.failed);
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 2000);
    const answer = await request({ type: "voice.offer", room_id: roomId, sdp: pc.localDescription.sdp });
    await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    answered = true;
    // Candidates found after the offer went out follow it, unless already in it.
    for (const c of late) if (!pc.localDescription.sdp.includes(c.candidate)) trickle(c);
    if (stream) say(M.joined);
    muteButton.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) { nameInput.focus(); return; }
    join(name).catch((err) => {
      window.yoriaiGuest.failed = true;
      window.yoriaiGuest.error = err.code || "failed";
      say(err.message || String(err));
      form.hidden = false;
      call.hidden = true;
      nameInput.focus();
    });
  });

  muteButton.addEventListener("click", () => {
    if (!stream) return;
    const muted = muteButton.getAttribute("aria-pressed") !== "true";
    for (const track of stream.getAudioTracks()) track.enabled = !muted;
    muteButton.setAttribute("aria-pressed", String(muted));
    say(muted ? M.muted : M.unmuted);
  });

  leaveButton.addEventListener("click", () => {
    leaving = true;
    if (pc) pc.close();
    if (stream) for (const track of stream.getTracks()) track.stop();
    if (ws) ws.close();
    call.hidden = true;
    say(M.left);
  });

  // For people who script their browser (and for our tests): the page's state.
  window.yoriaiGuest = { personId: null, pc: null, remoteStream: null, connection: "new",
                         failed: false, error: null };
  nameInput.focus();
})();
