// Runs in the page, next to Web Chat's UMD bundle (window.WebChat): a minimal Direct Line stand-in
// and the call that renders Web Chat with it. Web Chat needs only three things of a `directLine`
// (botframework-webchat-core, sagas/connectSaga.js, observeActivitySaga.ts, postActivitySaga.ts):
// - `connectionStatus$`: an observable of 0 (uninitialized), 1 (connecting), 2 (online), replaying
//   the current status to each new subscriber, as DirectLineJS's BehaviorSubject does;
// - `activity$`: a hot observable shared by several subscribers (Web Chat subscribes once to start
//   the connection and once to read); it carries the bot's activities, updates (same `id`), and
//   the echo of each activity the user posted (with its `channelData.clientActivityID`: until the
//   echo arrives Web Chat shows the message as "Sending");
// - `postActivity(activity)`: an observable of the id the service gave the activity;
// - `end()`.
// Observables here are the minimal `subscribe(observer) → { unsubscribe }` shape Web Chat calls.
// The stand-in talks to the test's server: EventSource for activity$, fetch for postActivity.
(function () {
  'use strict';

  function subject(initial) {
    const observers = new Set();
    let current = initial;
    return {
      next(value) {
        current = value;
        for (const observer of Array.from(observers)) observer.next && observer.next(value);
      },
      observable(replay, onFirstSubscribe) {
        return {
          subscribe(observerOrNext) {
            const observer = typeof observerOrNext === 'function' ? { next: observerOrNext } : observerOrNext || {};
            observers.add(observer);
            if (onFirstSubscribe && observers.size === 1) onFirstSubscribe();
            if (replay && observer.next) observer.next(current);
            return { unsubscribe: () => observers.delete(observer) };
          },
        };
      },
    };
  }

  function createDirectLineStandIn(conversationId) {
    const base = `/directline/conversations/${encodeURIComponent(conversationId)}`;
    const status = subject(0);
    const activities = subject(undefined);
    let source;

    // Like DirectLineJS, connect when the first subscriber of activity$ arrives.
    function connect() {
      if (source) return;
      status.next(1);
      source = new EventSource(`${base}/stream`);
      source.onopen = () => status.next(2);
      source.onmessage = (event) => activities.next(JSON.parse(event.data));
      source.onerror = () => console.warn('Direct Line stand-in: stream error');
    }

    return {
      connectionStatus$: status.observable(true),
      activity$: activities.observable(false, connect),
      postActivity(activity) {
        return {
          subscribe(observer) {
            let active = true;
            fetch(`${base}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })
              .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`postActivity: HTTP ${response.status}`))))
              .then(
                ({ id }) => {
                  if (!active) return;
                  observer.next && observer.next(id);
                  observer.complete && observer.complete();
                },
                (error) => active && observer.error && observer.error(error),
              );
            return { unsubscribe: () => (active = false) };
          },
        };
      },
      end() {
        if (source) source.close();
        status.next(5); // Ended
      },
    };
  }

  const params = new URLSearchParams(location.search);
  const directLine = createDirectLineStandIn(params.get('conversation'));
  window.WebChat.renderWebChat(
    {
      directLine,
      userID: params.get('user'),
      username: params.get('name'),
      locale: 'en-US',
      styleOptions: { hideUploadButton: true },
    },
    document.getElementById('webchat'),
  );
  document.title = `PinDesk · Web Chat ${params.get('version')} · ${params.get('name')}`;
})();
