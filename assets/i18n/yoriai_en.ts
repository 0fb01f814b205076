<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>ChatPanel</name>
    <message>
        <source>Messa&amp;ge:</source>
        <translation>Messa&amp;ge:</translation>
    </message>
    <message>
        <source>Sen&amp;d</source>
        <translation>Sen&amp;d</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Send message</translation>
    </message>
    <message>
        <source>Chat message</source>
        <translation>Chat message</translation>
    </message>
    <message>
        <source>Type a message to everyone in your room and press Enter.</source>
        <translation>Type a message to everyone in your room and press Enter.</translation>
    </message>
    <message>
        <source>Chat messages</source>
        <translation>Chat messages</translation>
    </message>
    <message>
        <source>Room &amp;chat (join a room to chat)</source>
        <translation>Room &amp;chat (join a room to chat)</translation>
    </message>
    <message>
        <source>Room &amp;chat: %1</source>
        <translation>Room &amp;chat: %1</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <source>This account is disabled.</source>
        <translation>This account is disabled.</translation>
    </message>
    <message>
        <source>Your session ended: sign in again.</source>
        <translation>Your session ended: sign in again.</translation>
    </message>
    <message>
        <source>This server needs a newer Yoriai.</source>
        <translation>This server needs a newer Yoriai.</translation>
    </message>
    <message>
        <source>The room is full.</source>
        <translation>The room is full.</translation>
    </message>
    <message>
        <source>The room is locked: knock to ask.</source>
        <translation>The room is locked: knock to ask.</translation>
    </message>
    <message>
        <source>The room is private to its members.</source>
        <translation>The room is private to its members.</translation>
    </message>
    <message>
        <source>Join a room first.</source>
        <translation>Join a room first.</translation>
    </message>
    <message>
        <source>Nobody is in the room to let you in.</source>
        <translation>Nobody is in the room to let you in.</translation>
    </message>
    <message>
        <source>The room is open: join it.</source>
        <translation>The room is open: join it.</translation>
    </message>
    <message>
        <source>You are already knocking.</source>
        <translation>You are already knocking.</translation>
    </message>
    <message>
        <source>They are offline.</source>
        <translation>They are offline.</translation>
    </message>
    <message>
        <source>They do not want to be disturbed.</source>
        <translation>They do not want to be disturbed.</translation>
    </message>
    <message>
        <source>You are not allowed to do that.</source>
        <translation>You are not allowed to do that.</translation>
    </message>
    <message>
        <source>Too many requests: wait a moment.</source>
        <translation>Too many requests: wait a moment.</translation>
    </message>
    <message>
        <source>The server cannot save right now; try again shortly.</source>
        <translation>The server cannot save right now; try again shortly.</translation>
    </message>
    <message>
        <source>Not sent: the connection dropped.</source>
        <translation>Not sent: the connection dropped.</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>The server did not answer in time.</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Available</source>
        <translation>Available</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Busy</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Away</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>Do not disturb</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>Satellite office</source>
        <translation>Satellite office</translation>
    </message>
    <message>
        <source>On the move</source>
        <translation>On the move</translation>
    </message>
    <message>
        <source>Main office</source>
        <translation>Main office</translation>
    </message>
    <message>
        <source>Workation</source>
        <translation>Workation</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>Reconnecting</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 of %2</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>locked</translation>
    </message>
    <message>
        <source>private</source>
        <translation>private</translation>
    </message>
    <message>
        <source>you are here</source>
        <translation>you are here</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Yoriai — %1</source>
        <translation>Yoriai — %1</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>&amp;Rooms</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Rooms</translation>
    </message>
    <message>
        <source>Each room with who is in it. Press Enter to join the selected room.</source>
        <translation>Each room with who is in it. Press Enter to join the selected room.</translation>
    </message>
    <message>
        <source>&amp;Join room</source>
        <translation>&amp;Join room</translation>
    </message>
    <message>
        <source>Join the selected room</source>
        <translation>Join the selected room</translation>
    </message>
    <message>
        <source>&amp;Leave room</source>
        <translation>&amp;Leave room</translation>
    </message>
    <message>
        <source>Leave the room you are in</source>
        <translation>Leave the room you are in</translation>
    </message>
    <message>
        <source>&amp;Knock</source>
        <translation>&amp;Knock</translation>
    </message>
    <message>
        <source>Ask to enter the selected locked room</source>
        <translation>Ask to enter the selected locked room</translation>
    </message>
    <message>
        <source>Loc&amp;k or unlock room</source>
        <translation>Loc&amp;k or unlock room</translation>
    </message>
    <message>
        <source>Lock or unlock your room</source>
        <translation>Lock or unlock your room</translation>
    </message>
    <message>
        <source>&amp;Call to my room</source>
        <translation>&amp;Call to my room</translation>
    </message>
    <message>
        <source>Call the selected person to your room</source>
        <translation>Call the selected person to your room</translation>
    </message>
    <message>
        <source>&amp;Where am I?</source>
        <translation>&amp;Where am I?</translation>
    </message>
    <message>
        <source>Read out your room and who is there</source>
        <translation>Read out your room and who is there</translation>
    </message>
    <message>
        <source>&amp;Repeat last announcement</source>
        <translation>&amp;Repeat last announcement</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Sign &amp;out</translation>
    </message>
    <message>
        <source>Sign out and forget this computer</source>
        <translation>Sign out and forget this computer</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Go to &amp;rooms</source>
        <translation>Go to &amp;rooms</translation>
    </message>
    <message>
        <source>Go to &amp;people</source>
        <translation>Go to &amp;people</translation>
    </message>
    <message>
        <source>Go to my &amp;status</source>
        <translation>Go to my &amp;status</translation>
    </message>
    <message>
        <source>Go to &amp;chat</source>
        <translation>Go to &amp;chat</translation>
    </message>
    <message>
        <source>&amp;Larger text</source>
        <translation>&amp;Larger text</translation>
    </message>
    <message>
        <source>&amp;Smaller text</source>
        <translation>&amp;Smaller text</translation>
    </message>
    <message>
        <source>&amp;Normal text size</source>
        <translation>&amp;Normal text size</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>&amp;High contrast</translation>
    </message>
    <message>
        <source>&amp;Keypad mode</source>
        <translation>&amp;Keypad mode</translation>
    </message>
    <message>
        <source>Drive the office from the numeric keypad</source>
        <translation>Drive the office from the numeric keypad</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>Se&amp;ttings…</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>&amp;Office</source>
        <translation>&amp;Office</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>Last announcement</source>
        <translation>Last announcement</translation>
    </message>
    <message>
        <source>Enter (in the rooms list)</source>
        <translation>Enter (in the rooms list)</translation>
    </message>
    <message>
        <source>Call the selected person</source>
        <translation>Call the selected person</translation>
    </message>
    <message>
        <source>Enter (in the people list)</source>
        <translation>Enter (in the people list)</translation>
    </message>
    <message>
        <source>Answer yes / no in a knock or call</source>
        <translation>Answer yes / no in a knock or call</translation>
    </message>
    <message>
        <source>Enter / Escape</source>
        <translation>Enter / Escape</translation>
    </message>
    <message>
        <source>Keypad 1–9, 0</source>
        <translation>Keypad 1–9, 0</translation>
    </message>
    <message>
        <source>Keypad mode: join room 1–9, 10</source>
        <translation>Keypad mode: join room 1–9, 10</translation>
    </message>
    <message>
        <source>Keypad .</source>
        <translation>Keypad .</translation>
    </message>
    <message>
        <source>Keypad mode: leave the room</source>
        <translation>Keypad mode: leave the room</translation>
    </message>
    <message>
        <source>Keypad Enter</source>
        <translation>Keypad Enter</translation>
    </message>
    <message>
        <source>Keypad mode: admit a knock / accept a call</source>
        <translation>Keypad mode: admit a knock / accept a call</translation>
    </message>
    <message>
        <source>Keypad -</source>
        <translation>Keypad -</translation>
    </message>
    <message>
        <source>Keypad mode: decline a knock or call</source>
        <translation>Keypad mode: decline a knock or call</translation>
    </message>
    <message>
        <source>Keypad +</source>
        <translation>Keypad +</translation>
    </message>
    <message>
        <source>Keypad mode: read out the current room</source>
        <translation>Keypad mode: read out the current room</translation>
    </message>
    <message>
        <source>Keypad *</source>
        <translation>Keypad *</translation>
    </message>
    <message>
        <source>Keypad mode: mute or unmute (with audio rooms)</source>
        <translation>Keypad mode: mute or unmute (with audio rooms)</translation>
    </message>
    <message>
        <source>Keypad /</source>
        <translation>Keypad /</translation>
    </message>
    <message>
        <source>Keypad mode: repeat the last announcement</source>
        <translation>Keypad mode: repeat the last announcement</translation>
    </message>
    <message>
        <source>Could not do that</source>
        <translation>Could not do that</translation>
    </message>
    <message>
        <source>Knock on %1</source>
        <translation>Knock on %1</translation>
    </message>
    <message>
        <source>&amp;Let in</source>
        <translation>&amp;Let in</translation>
    </message>
    <message>
        <source>&amp;Decline</source>
        <translation>&amp;Decline</translation>
    </message>
    <message>
        <source>Call from %1</source>
        <translation>Call from %1</translation>
    </message>
    <message>
        <source>&amp;Go there</source>
        <translation>&amp;Go there</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Disconnected</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>Connection lost: reconnecting…</source>
        <translation>Connection lost: reconnecting…</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <source>Could not sign in</source>
        <translation>Could not sign in</translation>
    </message>
    <message>
        <source>Connected again</source>
        <translation>Connected again</translation>
    </message>
    <message>
        <source>Select a room first</source>
        <translation>Select a room first</translation>
    </message>
    <message>
        <source>There is no room %1</source>
        <translation>There is no room %1</translation>
    </message>
    <message>
        <source>You are not in a room</source>
        <translation>You are not in a room</translation>
    </message>
    <message>
        <source>%1 is locked. Knock to ask the people inside to let you in.</source>
        <translation>%1 is locked. Knock to ask the people inside to let you in.</translation>
    </message>
    <message>
        <source>%1 is locked</source>
        <translation>%1 is locked</translation>
    </message>
    <message>
        <source>%1 is open</source>
        <translation>%1 is open</translation>
    </message>
    <message>
        <source>Select a person first</source>
        <translation>Select a person first</translation>
    </message>
    <message>
        <source>Call %1</source>
        <translation>Call %1</translation>
    </message>
    <message>
        <source>Ask %1 to come to your room.</source>
        <translation>Ask %1 to come to your room.</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>&amp;Call</translation>
    </message>
    <message>
        <source>Status updated</source>
        <translation>Status updated</translation>
    </message>
    <message>
        <source>alone</source>
        <translation>alone</translation>
    </message>
    <message>
        <source>Nothing to answer</source>
        <translation>Nothing to answer</translation>
    </message>
    <message>
        <source>Rooms have no audio yet</source>
        <translation>Rooms have no audio yet</translation>
    </message>
    <message>
        <source>Text size %1%</source>
        <translation>Text size %1%</translation>
    </message>
    <message>
        <source>Keypad mode on</source>
        <translation>Keypad mode on</translation>
    </message>
    <message>
        <source>Keypad mode off</source>
        <translation>Keypad mode off</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <source>Message (optional)</source>
        <translation>Message (optional)</translation>
    </message>
    <message>
        <source>&amp;Message (optional):</source>
        <translation>&amp;Message (optional):</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>%1 is knocking on %2</source>
        <translation>%1 is knocking on %2</translation>
    </message>
    <message>
        <source>Your knock on %1 was declined</source>
        <translation>Your knock on %1 was declined</translation>
    </message>
    <message>
        <source>No answer from %1</source>
        <translation>No answer from %1</translation>
    </message>
    <message>
        <source>%1 calls you to %2</source>
        <translation>%1 calls you to %2</translation>
    </message>
    <message>
        <source>Calling %1</source>
        <translation>Calling %1</translation>
    </message>
    <message>
        <source>%1 accepted your call</source>
        <translation>%1 accepted your call</translation>
    </message>
    <message>
        <source>%1 declined your call</source>
        <translation>%1 declined your call</translation>
    </message>
    <message>
        <source>%1 did not answer</source>
        <translation>%1 did not answer</translation>
    </message>
    <message>
        <source>%1 says: %2</source>
        <translation>%1 says: %2</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>%1 is now %2</translation>
    </message>
    <message>
        <source>You are in %1</source>
        <translation>You are in %1</translation>
    </message>
    <message>
        <source>with %1</source>
        <translation>with %1</translation>
    </message>
    <message>
        <source>You left %1</source>
        <translation>You left %1</translation>
    </message>
    <message>
        <source>%1 joined the room</source>
        <translation>%1 joined the room</translation>
    </message>
    <message>
        <source>%1 left the room</source>
        <translation>%1 left the room</translation>
    </message>
    <message>
        <source>You knocked on %1</source>
        <translation>You knocked on %1</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Availability</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Today's location</source>
        <translation>Today's location</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Room</translation>
    </message>
</context>
<context>
    <name>PeoplePanel</name>
    <message>
        <source>&amp;People</source>
        <translation>&amp;People</translation>
    </message>
    <message>
        <source>&amp;Team:</source>
        <translation>&amp;Team:</translation>
    </message>
    <message>
        <source>S&amp;ite:</source>
        <translation>S&amp;ite:</translation>
    </message>
    <message>
        <source>People</source>
        <translation>People</translation>
    </message>
    <message>
        <source>Everyone in the office. Press Enter on a person to call them to your room.</source>
        <translation>Everyone in the office. Press Enter on a person to call them to your room.</translation>
    </message>
    <message>
        <source>Team filter</source>
        <translation>Team filter</translation>
    </message>
    <message>
        <source>Site filter</source>
        <translation>Site filter</translation>
    </message>
    <message>
        <source>All teams</source>
        <translation>All teams</translation>
    </message>
    <message>
        <source>All sites</source>
        <translation>All sites</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Follow the system</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>Nothing</translation>
    </message>
    <message>
        <source>Essential: connection, knocks and calls</source>
        <translation>Essential: connection, knocks and calls</translation>
    </message>
    <message>
        <source>Normal: also people in my room and chat</source>
        <translation>Normal: also people in my room and chat</translation>
    </message>
    <message>
        <source>Everything: every change of presence</source>
        <translation>Everything: every change of presence</translation>
    </message>
    <message>
        <source>Speak announcements aloud (&amp;self-voicing)</source>
        <translation>Speak announcements aloud (&amp;self-voicing)</translation>
    </message>
    <message>
        <source>&amp;Keypad mode: drive the office from the numeric keypad</source>
        <translation>&amp;Keypad mode: drive the office from the numeric keypad</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>&amp;High contrast</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Language:</translation>
    </message>
    <message>
        <source>&amp;Announce:</source>
        <translation>&amp;Announce:</translation>
    </message>
    <message>
        <source>&amp;Text size:</source>
        <translation>&amp;Text size:</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Keys</translation>
    </message>
</context>
<context>
    <name>SignInWindow</name>
    <message>
        <source>Sign in to Yoriai</source>
        <translation>Sign in to Yoriai</translation>
    </message>
    <message>
        <source>Sign in to your office. Press Enter to sign in.</source>
        <translation>Sign in to your office. Press Enter to sign in.</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>&amp;Remember me on this computer</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Sign in</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>The office address, e.g. ws://127.0.0.1:8765</source>
        <translation>The office address, e.g. ws://127.0.0.1:8765</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Remember me on this computer</source>
        <translation>Remember me on this computer</translation>
    </message>
    <message>
        <source>Keeps you signed in, with the session kept in the system keyring</source>
        <translation>Keeps you signed in, with the session kept in the system keyring</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Sign-in error</source>
        <translation>Sign-in error</translation>
    </message>
    <message>
        <source>Enter the server, your user name and your password.</source>
        <translation>Enter the server, your user name and your password.</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>My status</source>
        <translation>My status</translation>
    </message>
    <message>
        <source>&amp;Availability:</source>
        <translation>&amp;Availability:</translation>
    </message>
    <message>
        <source>Status &amp;message:</source>
        <translation>Status &amp;message:</translation>
    </message>
    <message>
        <source>Working &amp;from today:</source>
        <translation>Working &amp;from today:</translation>
    </message>
    <message>
        <source>&amp;Update status</source>
        <translation>&amp;Update status</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Availability</translation>
    </message>
    <message>
        <source>Status message</source>
        <translation>Status message</translation>
    </message>
    <message>
        <source>What you are doing, shown to everyone. Press Enter to update.</source>
        <translation>What you are doing, shown to everyone. Press Enter to update.</translation>
    </message>
    <message>
        <source>e.g. writing the minutes</source>
        <translation>e.g. writing the minutes</translation>
    </message>
    <message>
        <source>Working from today</source>
        <translation>Working from today</translation>
    </message>
    <message>
        <source>Update status</source>
        <translation>Update status</translation>
    </message>
    <message>
        <source>Send your availability, message and location</source>
        <translation>Send your availability, message and location</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source>Satellite: %1</source>
        <translation>Satellite: %1</translation>
    </message>
</context>
<context>
    <name>YoriaiApp</name>
    <message>
        <source>Your saved session ended: sign in again.</source>
        <translation>Your saved session ended: sign in again.</translation>
    </message>
    <message>
        <source>Cannot reach the server at %1.</source>
        <translation>Cannot reach the server at %1.</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>Signed in as %1</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Signed out</translation>
    </message>
</context>
</TS>