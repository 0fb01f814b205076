<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>ChatPanel</name>
    <message>
        <source>Messa&amp;ge:</source>
        <translation>メッセージ(&amp;G):</translation>
    </message>
    <message>
        <source>Sen&amp;d</source>
        <translation>送信(&amp;D)</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>メッセージを送信</translation>
    </message>
    <message>
        <source>Chat message</source>
        <translation>チャットのメッセージ</translation>
    </message>
    <message>
        <source>Type a message to everyone in your room and press Enter.</source>
        <translation>部屋にいる全員へのメッセージを入力して Enter を押します。</translation>
    </message>
    <message>
        <source>Chat messages</source>
        <translation>チャットの履歴</translation>
    </message>
    <message>
        <source>Room &amp;chat (join a room to chat)</source>
        <translation>ルームチャット(&amp;C)(部屋に入るとチャットできます)</translation>
    </message>
    <message>
        <source>Room &amp;chat: %1</source>
        <translation>ルームチャット(&amp;C): %1</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Wrong user name or password.</source>
        <translation>ユーザー名またはパスワードが違います。</translation>
    </message>
    <message>
        <source>This account is disabled.</source>
        <translation>このアカウントは無効になっています。</translation>
    </message>
    <message>
        <source>Your session ended: sign in again.</source>
        <translation>セッションが終了しました。もう一度サインインしてください。</translation>
    </message>
    <message>
        <source>This server needs a newer Yoriai.</source>
        <translation>このサーバーには新しい寄り合いが必要です。</translation>
    </message>
    <message>
        <source>The room is full.</source>
        <translation>部屋が満員です。</translation>
    </message>
    <message>
        <source>The room is locked: knock to ask.</source>
        <translation>部屋は施錠されています。ノックして入れてもらいましょう。</translation>
    </message>
    <message>
        <source>The room is private to its members.</source>
        <translation>この部屋はメンバー限定です。</translation>
    </message>
    <message>
        <source>Join a room first.</source>
        <translation>先に部屋に入ってください。</translation>
    </message>
    <message>
        <source>Nobody is in the room to let you in.</source>
        <translation>部屋に入れてくれる人がいません。</translation>
    </message>
    <message>
        <source>The room is open: join it.</source>
        <translation>部屋は開いています。そのまま入れます。</translation>
    </message>
    <message>
        <source>You are already knocking.</source>
        <translation>すでにノックしています。</translation>
    </message>
    <message>
        <source>They are offline.</source>
        <translation>相手はオフラインです。</translation>
    </message>
    <message>
        <source>They do not want to be disturbed.</source>
        <translation>相手は応答不可に設定しています。</translation>
    </message>
    <message>
        <source>You are not allowed to do that.</source>
        <translation>その操作は許可されていません。</translation>
    </message>
    <message>
        <source>Too many requests: wait a moment.</source>
        <translation>操作が多すぎます。少し待ってください。</translation>
    </message>
    <message>
        <source>The server cannot save right now; try again shortly.</source>
        <translation>サーバーが今は保存できません。少し後でもう一度お試しください。</translation>
    </message>
    <message>
        <source>Not sent: the connection dropped.</source>
        <translation>送信できませんでした。接続が切れています。</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>サーバーから時間内に応答がありませんでした。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Available</source>
        <translation>対応可能</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>取り込み中</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>離席中</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>応答不可</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>在宅</translation>
    </message>
    <message>
        <source>Satellite office</source>
        <translation>サテライトオフィス</translation>
    </message>
    <message>
        <source>On the move</source>
        <translation>移動中</translation>
    </message>
    <message>
        <source>Main office</source>
        <translation>本社</translation>
    </message>
    <message>
        <source>Workation</source>
        <translation>ワーケーション</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未設定</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>再接続中</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1/%2人</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>施錠中</translation>
    </message>
    <message>
        <source>private</source>
        <translation>メンバー限定</translation>
    </message>
    <message>
        <source>you are here</source>
        <translation>あなたがいる部屋</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Yoriai — %1</source>
        <translation>寄り合い — %1</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>部屋(&amp;R)</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>部屋</translation>
    </message>
    <message>
        <source>Each room with who is in it. Press Enter to join the selected room.</source>
        <translation>各部屋と中にいる人。Enter で選んだ部屋に入ります。</translation>
    </message>
    <message>
        <source>&amp;Join room</source>
        <translation>入室(&amp;J)</translation>
    </message>
    <message>
        <source>Join the selected room</source>
        <translation>選んだ部屋に入る</translation>
    </message>
    <message>
        <source>&amp;Leave room</source>
        <translation>退室(&amp;L)</translation>
    </message>
    <message>
        <source>Leave the room you are in</source>
        <translation>今いる部屋から出る</translation>
    </message>
    <message>
        <source>&amp;Knock</source>
        <translation>ノック(&amp;K)</translation>
    </message>
    <message>
        <source>Ask to enter the selected locked room</source>
        <translation>施錠された部屋に入れてもらうよう頼む</translation>
    </message>
    <message>
        <source>Loc&amp;k or unlock room</source>
        <translation>部屋の施錠/開錠(&amp;K)</translation>
    </message>
    <message>
        <source>Lock or unlock your room</source>
        <translation>自分の部屋を施錠/開錠する</translation>
    </message>
    <message>
        <source>&amp;Call to my room</source>
        <translation>自分の部屋に呼ぶ(&amp;C)</translation>
    </message>
    <message>
        <source>Call the selected person to your room</source>
        <translation>選んだ人を自分の部屋に呼ぶ</translation>
    </message>
    <message>
        <source>&amp;Where am I?</source>
        <translation>今いる場所(&amp;W)</translation>
    </message>
    <message>
        <source>Read out your room and who is there</source>
        <translation>今いる部屋と中にいる人を読み上げる</translation>
    </message>
    <message>
        <source>&amp;Repeat last announcement</source>
        <translation>最後のお知らせを繰り返す(&amp;R)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>サインアウト(&amp;O)</translation>
    </message>
    <message>
        <source>Sign out and forget this computer</source>
        <translation>サインアウトし、このコンピューターの記憶を消す</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>Go to &amp;rooms</source>
        <translation>部屋へ移動(&amp;R)</translation>
    </message>
    <message>
        <source>Go to &amp;people</source>
        <translation>メンバーへ移動(&amp;P)</translation>
    </message>
    <message>
        <source>Go to my &amp;status</source>
        <translation>自分の状態へ移動(&amp;S)</translation>
    </message>
    <message>
        <source>Go to &amp;chat</source>
        <translation>チャットへ移動(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Larger text</source>
        <translation>文字を大きく(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Smaller text</source>
        <translation>文字を小さく(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Normal text size</source>
        <translation>標準の文字サイズ(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>ハイコントラスト(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keypad mode</source>
        <translation>テンキーモード(&amp;K)</translation>
    </message>
    <message>
        <source>Drive the office from the numeric keypad</source>
        <translation>テンキーだけでオフィスを操作します</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>設定(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Office</source>
        <translation>オフィス(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>接続状態</translation>
    </message>
    <message>
        <source>Last announcement</source>
        <translation>最後のお知らせ</translation>
    </message>
    <message>
        <source>Enter (in the rooms list)</source>
        <translation>Enter(部屋一覧で)</translation>
    </message>
    <message>
        <source>Call the selected person</source>
        <translation>選んだ人を呼ぶ</translation>
    </message>
    <message>
        <source>Enter (in the people list)</source>
        <translation>Enter(メンバー一覧で)</translation>
    </message>
    <message>
        <source>Answer yes / no in a knock or call</source>
        <translation>ノックや呼び出しに はい/いいえ で答える</translation>
    </message>
    <message>
        <source>Enter / Escape</source>
        <translation>Enter / Escape</translation>
    </message>
    <message>
        <source>Keypad 1–9, 0</source>
        <translation>テンキー 1–9、0</translation>
    </message>
    <message>
        <source>Keypad mode: join room 1–9, 10</source>
        <translation>テンキーモード: 部屋 1–9、10 に入る</translation>
    </message>
    <message>
        <source>Keypad .</source>
        <translation>テンキー .</translation>
    </message>
    <message>
        <source>Keypad mode: leave the room</source>
        <translation>テンキーモード: 退室する</translation>
    </message>
    <message>
        <source>Keypad Enter</source>
        <translation>テンキー Enter</translation>
    </message>
    <message>
        <source>Keypad mode: admit a knock / accept a call</source>
        <translation>テンキーモード: ノックを入れる/呼び出しに応じる</translation>
    </message>
    <message>
        <source>Keypad -</source>
        <translation>テンキー -</translation>
    </message>
    <message>
        <source>Keypad mode: decline a knock or call</source>
        <translation>テンキーモード: ノックや呼び出しを断る</translation>
    </message>
    <message>
        <source>Keypad +</source>
        <translation>テンキー +</translation>
    </message>
    <message>
        <source>Keypad mode: read out the current room</source>
        <translation>テンキーモード: 今いる部屋を読み上げる</translation>
    </message>
    <message>
        <source>Keypad *</source>
        <translation>テンキー *</translation>
    </message>
    <message>
        <source>Keypad mode: mute or unmute (with audio rooms)</source>
        <translation>テンキーモード: ミュート切り替え(音声対応後)</translation>
    </message>
    <message>
        <source>Keypad /</source>
        <translation>テンキー /</translation>
    </message>
    <message>
        <source>Keypad mode: repeat the last announcement</source>
        <translation>テンキーモード: 最後のお知らせを繰り返す</translation>
    </message>
    <message>
        <source>Could not do that</source>
        <translation>実行できませんでした</translation>
    </message>
    <message>
        <source>Knock on %1</source>
        <translation>%1をノック</translation>
    </message>
    <message>
        <source>&amp;Let in</source>
        <translation>入れる(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Decline</source>
        <translation>断る(&amp;D)</translation>
    </message>
    <message>
        <source>Call from %1</source>
        <translation>%1さんからの呼び出し</translation>
    </message>
    <message>
        <source>&amp;Go there</source>
        <translation>行く(&amp;G)</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>切断されました</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>接続しています…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>接続中</translation>
    </message>
    <message>
        <source>Connection lost: reconnecting…</source>
        <translation>接続が切れました。再接続しています…</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>サインアウトしました</translation>
    </message>
    <message>
        <source>Could not sign in</source>
        <translation>サインインできませんでした</translation>
    </message>
    <message>
        <source>Connected again</source>
        <translation>再接続しました</translation>
    </message>
    <message>
        <source>Select a room first</source>
        <translation>先に部屋を選んでください</translation>
    </message>
    <message>
        <source>There is no room %1</source>
        <translation>部屋 %1 はありません</translation>
    </message>
    <message>
        <source>You are not in a room</source>
        <translation>どの部屋にもいません</translation>
    </message>
    <message>
        <source>%1 is locked. Knock to ask the people inside to let you in.</source>
        <translation>%1は施錠されています。ノックして中の人に入れてもらいましょう。</translation>
    </message>
    <message>
        <source>%1 is locked</source>
        <translation>%1を施錠しました</translation>
    </message>
    <message>
        <source>%1 is open</source>
        <translation>%1を開錠しました</translation>
    </message>
    <message>
        <source>Select a person first</source>
        <translation>先に人を選んでください</translation>
    </message>
    <message>
        <source>Call %1</source>
        <translation>%1さんを呼ぶ</translation>
    </message>
    <message>
        <source>Ask %1 to come to your room.</source>
        <translation>%1さんに自分の部屋へ来てもらうよう頼みます。</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>呼ぶ(&amp;C)</translation>
    </message>
    <message>
        <source>Status updated</source>
        <translation>状態を更新しました</translation>
    </message>
    <message>
        <source>alone</source>
        <translation>ひとりです</translation>
    </message>
    <message>
        <source>Nothing to answer</source>
        <translation>応答するものはありません</translation>
    </message>
    <message>
        <source>Rooms have no audio yet</source>
        <translation>部屋の音声はまだありません</translation>
    </message>
    <message>
        <source>Text size %1%</source>
        <translation>文字サイズ %1%</translation>
    </message>
    <message>
        <source>Keypad mode on</source>
        <translation>テンキーモードをオンにしました</translation>
    </message>
    <message>
        <source>Keypad mode off</source>
        <translation>テンキーモードをオフにしました</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <source>Message (optional)</source>
        <translation>メッセージ(任意)</translation>
    </message>
    <message>
        <source>&amp;Message (optional):</source>
        <translation>メッセージ(&amp;M)(任意):</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>%1 is knocking on %2</source>
        <translation>%1さんが%2をノックしています</translation>
    </message>
    <message>
        <source>Your knock on %1 was declined</source>
        <translation>%1へのノックは断られました</translation>
    </message>
    <message>
        <source>No answer from %1</source>
        <translation>%1から応答がありませんでした</translation>
    </message>
    <message>
        <source>%1 calls you to %2</source>
        <translation>%1さんがあなたを%2に呼んでいます</translation>
    </message>
    <message>
        <source>Calling %1</source>
        <translation>%1さんを呼び出し中</translation>
    </message>
    <message>
        <source>%1 accepted your call</source>
        <translation>%1さんが呼び出しに応じました</translation>
    </message>
    <message>
        <source>%1 declined your call</source>
        <translation>%1さんが呼び出しを断りました</translation>
    </message>
    <message>
        <source>%1 did not answer</source>
        <translation>%1さんから応答がありませんでした</translation>
    </message>
    <message>
        <source>%1 says: %2</source>
        <translation>%1さん: %2</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>%1さんは%2になりました</translation>
    </message>
    <message>
        <source>You are in %1</source>
        <translation>%1にいます</translation>
    </message>
    <message>
        <source>with %1</source>
        <translation>一緒にいるのは %1</translation>
    </message>
    <message>
        <source>You left %1</source>
        <translation>%1を退室しました</translation>
    </message>
    <message>
        <source>%1 joined the room</source>
        <translation>%1さんが入室しました</translation>
    </message>
    <message>
        <source>%1 left the room</source>
        <translation>%1さんが退室しました</translation>
    </message>
    <message>
        <source>You knocked on %1</source>
        <translation>%1をノックしました</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>在席状況</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ステータス</translation>
    </message>
    <message>
        <source>Today's location</source>
        <translation>今日の勤務場所</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>部屋</translation>
    </message>
</context>
<context>
    <name>PeoplePanel</name>
    <message>
        <source>&amp;People</source>
        <translation>メンバー(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Team:</source>
        <translation>チーム(&amp;T):</translation>
    </message>
    <message>
        <source>S&amp;ite:</source>
        <translation>拠点(&amp;I):</translation>
    </message>
    <message>
        <source>People</source>
        <translation>メンバー</translation>
    </message>
    <message>
        <source>Everyone in the office. Press Enter on a person to call them to your room.</source>
        <translation>オフィスの全員。人を選んで Enter を押すと自分の部屋に呼べます。</translation>
    </message>
    <message>
        <source>Team filter</source>
        <translation>チームで絞り込み</translation>
    </message>
    <message>
        <source>Site filter</source>
        <translation>拠点で絞り込み</translation>
    </message>
    <message>
        <source>All teams</source>
        <translation>すべてのチーム</translation>
    </message>
    <message>
        <source>All sites</source>
        <translation>すべての拠点</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>システムに合わせる</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Essential: connection, knocks and calls</source>
        <translation>重要なもののみ: 接続、ノック、呼び出し</translation>
    </message>
    <message>
        <source>Normal: also people in my room and chat</source>
        <translation>標準: 自分の部屋の出入りとチャットも</translation>
    </message>
    <message>
        <source>Everything: every change of presence</source>
        <translation>すべて: 全員の状態の変化</translation>
    </message>
    <message>
        <source>Speak announcements aloud (&amp;self-voicing)</source>
        <translation>お知らせを音声で読み上げる(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Keypad mode: drive the office from the numeric keypad</source>
        <translation>テンキーモード(&amp;K): テンキーだけでオフィスを操作</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>ハイコントラスト(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <source>&amp;Announce:</source>
        <translation>お知らせ(&amp;A):</translation>
    </message>
    <message>
        <source>&amp;Text size:</source>
        <translation>文字サイズ(&amp;T):</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>キー</translation>
    </message>
</context>
<context>
    <name>SignInWindow</name>
    <message>
        <source>Sign in to Yoriai</source>
        <translation>寄り合いにサインイン</translation>
    </message>
    <message>
        <source>Sign in to your office. Press Enter to sign in.</source>
        <translation>オフィスにサインインします。Enter でサインインします。</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>サーバー(&amp;S):</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>ユーザー名(&amp;U):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>パスワード(&amp;P):</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>このコンピューターで記憶する(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>サインイン(&amp;S)</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <source>The office address, e.g. ws://127.0.0.1:8765</source>
        <translation>オフィスのアドレス(例: ws://127.0.0.1:8765)</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>Remember me on this computer</source>
        <translation>このコンピューターで記憶する</translation>
    </message>
    <message>
        <source>Keeps you signed in, with the session kept in the system keyring</source>
        <translation>セッションをシステムのキーリングに保存し、サインインしたままにします</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <source>Sign-in error</source>
        <translation>サインインのエラー</translation>
    </message>
    <message>
        <source>Enter the server, your user name and your password.</source>
        <translation>サーバー、ユーザー名、パスワードを入力してください。</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>My status</source>
        <translation>自分の状態</translation>
    </message>
    <message>
        <source>&amp;Availability:</source>
        <translation>在席状況(&amp;A):</translation>
    </message>
    <message>
        <source>Status &amp;message:</source>
        <translation>ステータス メッセージ(&amp;M):</translation>
    </message>
    <message>
        <source>Working &amp;from today:</source>
        <translation>今日の勤務場所(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Update status</source>
        <translation>状態を更新(&amp;U)</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>在席状況</translation>
    </message>
    <message>
        <source>Status message</source>
        <translation>ステータス メッセージ</translation>
    </message>
    <message>
        <source>What you are doing, shown to everyone. Press Enter to update.</source>
        <translation>今していることを全員に表示します。Enter で更新します。</translation>
    </message>
    <message>
        <source>e.g. writing the minutes</source>
        <translation>例: 議事録を作成中</translation>
    </message>
    <message>
        <source>Working from today</source>
        <translation>今日の勤務場所</translation>
    </message>
    <message>
        <source>Update status</source>
        <translation>状態を更新</translation>
    </message>
    <message>
        <source>Send your availability, message and location</source>
        <translation>在席状況、メッセージ、勤務場所を送信します</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未設定</translation>
    </message>
    <message>
        <source>Satellite: %1</source>
        <translation>サテライト: %1</translation>
    </message>
</context>
<context>
    <name>YoriaiApp</name>
    <message>
        <source>Your saved session ended: sign in again.</source>
        <translation>保存されたセッションは終了しました。もう一度サインインしてください。</translation>
    </message>
    <message>
        <source>Cannot reach the server at %1.</source>
        <translation>サーバー %1 に接続できません。</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>%1としてサインインしました</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>サインアウトしました</translation>
    </message>
</context>
</TS>