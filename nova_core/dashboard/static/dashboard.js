/* nova-core dashboard: progressive enhancement only; every page works
   without it. No inline script anywhere (the CSP forbids it). */
(function () {
  'use strict';
  var POLL_MS = 2000;

  function ajax(url, options) {
    options = options || {};
    options.headers = Object.assign({'X-Requested-With': 'fetch'},
                                    options.headers || {});
    options.credentials = 'same-origin';
    return fetch(url, options).then(function (response) {
      if (response.status === 401) {
        window.location.reload();  // the server sends us to sign in
        throw new Error('signed out');
      }
      return response;
    });
  }

  /* Forms: ask before destructive actions, and send each form once. */
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter;
    var question = form.dataset.confirm ||
      (submitter && submitter.dataset.confirm);
    if (form.id === 'batch' && submitter && submitter.value === 'delete') {
      var n = document.querySelectorAll('input[form=batch]:checked').length;
      question = 'Delete ' + n + ' instance(s)?';
    }
    if (question && !form.querySelector('[name=confirmed]')) {
      if (!window.confirm(question + ' This cannot be undone.')) {
        event.preventDefault();
        return;
      }
      var confirmed = document.createElement('input');
      confirmed.type = 'hidden';
      confirmed.name = 'confirmed';
      confirmed.value = '1';
      form.appendChild(confirmed);
    }
    if (form.method.toLowerCase() === 'post' && form.id !== 'upload') {
      form.dataset.sent = '1';
      form.setAttribute('aria-busy', 'true');
    }
  }, true);

  /* Select all rows for the batch actions. */
  var all = document.getElementById('select-all');
  if (all) {
    all.addEventListener('change', function () {
      document.querySelectorAll('input[form=batch]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }

  /* Rows in transition refresh themselves until they settle. */
  var table = document.querySelector('table.instances[data-rows]');
  function pollRows() {
    var rows = table.querySelectorAll('tr[data-transition]');
    if (!rows.length) { return; }
    var url = new URL(table.dataset.rows, window.location.href);
    rows.forEach(function (row) { url.searchParams.append('id', row.dataset.id); });
    ajax(url).then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, 'text/html');
        doc.querySelectorAll('tr[data-id]').forEach(function (fresh) {
          var old = document.getElementById('row-' + fresh.dataset.id);
          if (!old || old.querySelector('details[open]')) { return; }
          var box = old.querySelector('input[type=checkbox]');
          if (fresh.dataset.gone) {
            old.remove();
            return;
          }
          var newBox = fresh.querySelector('input[type=checkbox]');
          if (box && newBox) { newBox.checked = box.checked; }
          old.replaceWith(document.importNode(fresh, true));
        });
      }).catch(function () {});
  }
  if (table) { window.setInterval(pollRows, POLL_MS); }

  /* An instance page in transition refreshes its overview, menu and
     action log (not the console, which has its own poll) until the
     server settles. */
  var live = document.getElementById('instance-live');
  function pollInstance() {
    if (!live.dataset.transition || live.querySelector('details[open]')) {
      return;
    }
    ajax(window.location.href).then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('instance-live');
        if (!fresh || live.querySelector('details[open]')) { return; }
        var replacement = document.importNode(fresh, true);
        live.replaceWith(replacement);
        live = replacement;
      }).catch(function () {});
  }
  if (live) { window.setInterval(pollInstance, POLL_MS); }

  /* One open menu at a time; Escape closes it. */
  document.addEventListener('toggle', function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches('details.menu') && menu.open) {
      document.querySelectorAll('details.menu[open]').forEach(function (d) {
        if (d !== menu) { d.open = false; }
      });
    }
  }, true);
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    document.querySelectorAll('details.menu[open]').forEach(function (d) {
      d.open = false;
      d.querySelector('summary').focus();
    });
  });

  /* The console log follows the guest. */
  var console_ = document.querySelector('pre[data-console]');
  function pollConsole() {
    var length = document.querySelector('[data-console-length]');
    var url = new URL(console_.dataset.console, window.location.href);
    if (length && length.value) { url.searchParams.set('length', length.value); }
    ajax(url).then(function (r) { return r.text(); }).then(function (text) {
      var atEnd = console_.scrollTop + console_.clientHeight >= console_.scrollHeight - 4;
      if (console_.textContent !== text) {
        console_.textContent = text;
        if (atEnd) { console_.scrollTop = console_.scrollHeight; }
      }
    }).catch(function () {});
  }
  if (console_) { pollConsole(); window.setInterval(pollConsole, 3000); }

  /* The launch dialog: quota use after the launch. */
  var launch = document.getElementById('launch');
  function quotaAfter() {
    var option = launch.querySelector('#id_flavor').selectedOptions[0];
    var count = parseInt(launch.querySelector('#id_count').value, 10) || 0;
    var add = {
      maxTotalInstances: count,
      maxTotalCores: option && option.value ? count * parseInt(option.dataset.vcpus, 10) : 0,
      maxTotalRAMSize: option && option.value ? count * parseInt(option.dataset.ram, 10) : 0
    };
    document.querySelectorAll('.quota .bar').forEach(function (bar) {
      if (!(bar.dataset.key in add)) { return; }
      var used = parseInt(bar.dataset.used, 10) + add[bar.dataset.key];
      var limit = parseInt(bar.dataset.limit, 10);
      var over = limit >= 0 && used > limit;
      bar.querySelector('.after').textContent = 'after launch: ' + used +
        (over ? ' (over the limit of ' + limit + ')' : '');
      bar.classList.toggle('over', over);
      if (limit > 0) {
        bar.querySelector('progress').value = Math.min(100, Math.round(100 * used / limit));
      }
    });
  }
  if (launch) {
    launch.addEventListener('input', quotaAfter);
    launch.addEventListener('change', quotaAfter);
    quotaAfter();
  }

  /* Image upload: create the image, then send its data with progress. */
  var upload = document.getElementById('upload');
  if (upload) {
    upload.addEventListener('submit', function (event) {
      event.preventDefault();
      if (upload.dataset.busy) { return; }
      upload.dataset.busy = '1';
      var status = document.getElementById('upload-status');
      var bar = document.getElementById('upload-progress');
      var csrf = upload.querySelector('[name=csrf]').value;
      var file = upload.querySelector('[name=file]').files[0];
      var body = new URLSearchParams(new FormData(upload));
      body.delete('file');
      ajax(upload.action, {method: 'POST', body: body,
                           headers: {'X-CSRF-Token': csrf}})
        .then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
        .then(function (res) {
          if (!res[0].ok) { throw new Error(res[1].error); }
          var xhr = new XMLHttpRequest();
          xhr.open('PUT', upload.dataset.fileUrl + '/' + res[1].id + '/file');
          xhr.setRequestHeader('X-CSRF-Token', csrf);
          xhr.setRequestHeader('X-Requested-With', 'xhr');
          xhr.setRequestHeader('Content-Type', 'application/octet-stream');
          bar.hidden = false;
          xhr.upload.onprogress = function (e) {
            if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
            status.textContent = 'Uploading: ' + bar.value + '%';
          };
          xhr.onload = function () {
            if (xhr.status < 300) { window.location.reload(); return; }
            var message = xhr.responseText;
            try { message = JSON.parse(xhr.responseText).error; } catch (e) {}
            status.textContent = 'Upload failed: ' + message;
            delete upload.dataset.busy;
          };
          xhr.onerror = function () {
            status.textContent = 'Upload failed.';
            delete upload.dataset.busy;
          };
          xhr.send(file);
        }).catch(function (error) {
          status.textContent = error.message;
          delete upload.dataset.busy;
        });
    });
  }
})();
