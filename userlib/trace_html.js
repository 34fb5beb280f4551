/* hvsim's step-through page (trace_html.h): inline in every page, run from
 * file:// with nothing fetched.  The data is the JSON in #hvsim-data:
 * steps, each with its records, narration and the domains whose snapshot
 * changed; this script rebuilds every step's state from those changes,
 * draws the current step and marks what changed since the one before.
 * <body data-js> says "ok" once a step was drawn without an exception,
 * "error" otherwise (the browser test reads it). */
(function () {
	"use strict";
	var body = document.body;

	function failed(e) {
		body.setAttribute("data-js", "error");
		body.setAttribute("data-js-error", String(e && (e.stack || e.message) || e));
	}
	window.addEventListener("error", function (ev) { failed(ev.error || ev.message); });

	/* Building elements: h("td", {class: "x"}, "text", child, ...) */
	function h(tag, attrs) {
		var el = document.createElement(tag), i, k, c;

		for (k in attrs || {})
			if (attrs[k] !== undefined && attrs[k] !== null)
				el.setAttribute(k, String(attrs[k]));
		for (i = 2; i < arguments.length; i++) {
			c = arguments[i];
			if (c === undefined || c === null || c === false)
				continue;
			if (Array.isArray(c))
				c.forEach(function (x) { if (x) el.appendChild(x.nodeType ? x : document.createTextNode(String(x))); });
			else
				el.appendChild(c.nodeType ? c : document.createTextNode(String(c)));
		}
		return el;
	}
	function hex(n) { return "0x" + Number(n).toString(16); }
	function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

	var D = JSON.parse(document.getElementById("hvsim-data").textContent);
	var steps = D.steps || [];

	function name(domid) {
		if (domid === 0x7ff0) return "DOMID_SELF";
		return (D.names && D.names[domid]) || "dom" + domid;
	}

	/* Each step's state: {domid: domain}; a step without a snapshot of its
	 * own shows the newest one before it (and says so). */
	var states = [], snapshotOf = [];
	(function () {
		var cur = {}, from = null;

		function apply(ch) {
			var next = {}, k;

			for (k in cur) next[k] = cur[k];
			for (k in ch.doms || {}) next[k] = ch.doms[k];
			(ch.gone || []).forEach(function (id) { delete next[id]; });
			return next;
		}
		if (D.baseline) {
			cur = apply(D.baseline);
			from = 0;
		}
		states.base = cur;
		steps.forEach(function (s, i) {
			if (s.state_seq !== undefined) {
				cur = apply(s);
				from = i + 1;
			}
			states[i] = cur;
			snapshotOf[i] = from;
		});
	})();

	/* Rows of a table keyed by `key`, with what changed since `old`
	 * marked: added, changed (each cell that differs shows what it was),
	 * removed (struck through). */
	function diffRows(now, old, key, cols, attrs) {
		var rows = [], seen = {}, prevBy = {};

		(old || []).forEach(function (r) { prevBy[r[key]] = r; });
		function row(r, cls, extra, cells) {
			var a = Object.assign({}, attrs ? attrs(r) : {}, extra);

			a.class = [a.class, cls].filter(Boolean).join(" ") || null;
			return h("tr", a, cells);
		}
		(now || []).forEach(function (r) {
			var was = prevBy[r[key]], cls = !old ? "" : !was ? "added" : same(was, r) ? "" : "changed";

			seen[r[key]] = true;
			rows.push(row(r, cls, {}, cols.map(function (c) {
				var v = c(r), w = was && cls === "changed" ? c(was) : null;

				return h("td", null, v, w !== null && String(w) !== String(v) ?
					h("span", { class: "was" }, "was " + (String(w) === "" ? "\u2013" : w)) : null);
			})));
		});
		(old || []).forEach(function (r) {
			if (!seen[r[key]])
				rows.push(row(r, "removed", { "data-gone": "1" },
					cols.map(function (c) { return h("td", null, c(r)); })));
		});
		return rows;
	}
	function table(heads, rows, emptyText) {
		if (!rows.length)
			return h("div", { class: "empty" }, emptyText);
		return h("table", null, h("thead", null, h("tr", null, heads.map(function (t) {
			return h("th", null, t);
		}))), h("tbody", null, rows));
	}

	function pins(e) {
		var p = e.pin || {}, out = [];

		["host_rw", "host_ro", "dev_rw", "dev_ro"].forEach(function (k) {
			if (p[k]) out.push(k + " " + p[k]);
		});
		return out.length ? out.join(", ") : "none";
	}
	function pinnedBy(e) {
		return e.pinned_by !== undefined ? name(e.pinned_by) + ", frame " + hex(e.pinned_frame) : "";
	}

	function grantTable(d, old) {
		var gt = d.grant_table || {}, ogt = old && old.grant_table;

		return [
			h("h5", null, "grant table (v1, " + gt.nr_frames + " of " + gt.max_frames +
			  " frames): entries in use"),
			table(["ref", "flags", "for", "frame", "pins", "pinned by"],
				diffRows(gt.entries, ogt ? ogt.entries || [] : null, "ref", [
					function (e) { return e.ref; },
					function (e) { return e.flags_decoded || "0"; },
					function (e) { return name(e.domid); },
					function (e) { return hex(e.frame); },
					function (e) { return pins(e); },
					function (e) { return pinnedBy(e); }
				], function (e) {
					return { class: "gnt", "data-ref": e.ref, "data-dom": d.name,
						 "data-flags": e.flags_decoded || "0",
						 "data-pins": pins(e), "data-host-rw": (e.pin || {}).host_rw || 0,
						 "data-host-ro": (e.pin || {}).host_ro || 0 };
				}), "no entries in use"),
			h("h5", null, "maptrack: mappings " + d.name + " holds"),
			table(["handle", "ref", "of", "flags"],
				diffRows(gt.maptrack, ogt ? ogt.maptrack || [] : null, "handle", [
					function (m) { return m.handle; },
					function (m) { return m.ref; },
					function (m) { return name(m.dom); },
					function (m) { return m.flags_decoded || m.flags; }
				], function (m) { return { class: "maptrack", "data-handle": m.handle }; }),
				"no handles")
		];
	}

	function p2m(d, old) {
		return [
			h("h5", null, "p2m overrides: gfns that show another page"),
			table(["gfn", "shows", "frame", "access", "by"],
				diffRows(d.p2m, old ? old.p2m || [] : null, "gfn", [
					function (o) { return hex(o.gfn); },
					function (o) {
						return name(o.dom) + "'s " + (o.kind !== "shared" ? "frame" :
							o.grant_frame !== undefined ? "grant frame " + o.grant_frame :
							"shared_info");
					},
					function (o) { return hex(o.frame); },
					function (o) { return o.readonly ? "read-only" : "read-write"; },
					function (o) { return o.kind; }
				], function (o) { return { class: "p2m", "data-gfn": o.gfn }; }),
				"none: every gfn shows " + d.name + "'s own RAM")
		];
	}

	function peer(p) {
		if (p.state === "interdomain") return name(p.remote_dom) + " port " + p.remote_port;
		if (p.state === "unbound") return "for " + name(p.remote_dom);
		if (p.state === "virq") return "virq " + p.virq;
		return "";
	}

	/* The FIFO queues: from each head in the control block along the LINK
	 * fields, as long as the words are LINKED (the guest leaves a consumed
	 * head in the control block: a head whose word is not linked is an
	 * empty queue). */
	function queues(ev) {
		var out = [], byPort = {};

		(ev.ports || []).forEach(function (p) { byPort[p.port] = p; });
		(ev.heads || []).forEach(function (head, q) {
			var chain = [], port = head, guard = 0;

			while (port && byPort[port] && byPort[port].linked && guard++ < 64) {
				chain.push(port);
				port = byPort[port].link;
			}
			if (!chain.length && !(ev.ready & (1 << q)))
				return;
			out.push(h("div", { class: "mono" }, "queue " + q + (ev.ready & (1 << q) ? " (READY)" : "") +
				": " + (chain.length ? chain.join(" \u2192 ") : "empty")));
		});
		return out.length ? h("div", { class: "queues" }, out) :
			h("div", { class: "empty" }, "every FIFO queue is empty");
	}

	function evtchn(d, old) {
		var ev = d.evtchn || {}, oev = old && old.evtchn, fifo = ev.abi === "fifo";
		var cols = [
			function (p) { return p.port; },
			function (p) { return p.state; },
			function (p) { return peer(p); },
			function (p) { return p.pending ? "pending" : "-"; },
			function (p) { return p.masked ? "masked" : "-"; }
		], heads = ["port", "state", "peer", "pending", "masked"];

		if (fifo) {
			cols.push(function (p) { return p.priority; });
			cols.push(function (p) { return p.linked ? "linked, next " + (p.link || "none") : "-"; });
			heads.push("queue", "linked");
		}
		return [
			h("h5", null, "event channels: " + (fifo ? "FIFO" : "2-level") + " ABI, upcall " +
			  (ev.upcall_pending ? "pending" : "idle")),
			table(heads, diffRows(ev.ports, oev ? oev.ports || [] : null, "port", cols,
				function (p) { return { class: "port", "data-port": p.port, "data-state": p.state,
							"data-pending": p.pending ? 1 : 0 }; }),
				"no ports in use"),
			fifo ? queues(ev) : null
		];
	}

	function domainCard(d, old, hadBefore) {
		var changed = hadBefore && !same(d, old);

		return h("div", { class: "dom" + (changed || !hadBefore ? " changed" : ""), "data-dom": d.name,
				  "data-domid": d.domid },
			h("h4", null, d.name, " ", h("span", { class: "sub" }, "domid " + d.domid + ", " + d.state +
				(!hadBefore ? " (new)" : old && old.state !== d.state ? " (was " + old.state + ")" : ""))),
			d.grant_table ? grantTable(d, old) : h("div", { class: "empty" }, "nothing left: the domain is dead"),
			d.p2m ? p2m(d, old) : null,
			d.evtchn ? evtchn(d, old) : null);
	}

	function recordRows(recs) {
		var rows = [];

		recs.forEach(function (r) {
			var who = r.dom !== undefined ? name(r.dom) : "", cls = (r.effect ? "effect " : "") +
				(r.meanwhile ? "meanwhile" : "");

			if (r.kind === "hypercall") {
				var call = (r.op === "grant_table_op" ? "GNTTABOP_" : r.op === "event_channel_op" ?
					    "EVTCHNOP_" : r.op + " ") + r.cmd, ops = r.ops || [];
				var rc = r.rc < 0 ? h("span", { class: "bad" }, "-" + (r.rc_name || -r.rc)) :
					 h("span", { class: "ok" }, "rc " + r.rc);

				if (!ops.length)
					rows.push(h("tr", { class: cls || null }, h("td", null, r.seq), h("td", null, who),
						h("td", null, call), h("td", { class: "args" }, ""), h("td", null, rc)));
				ops.forEach(function (op, i) {
					rows.push(h("tr", { class: cls || null, "data-call": r.cmd },
						h("td", null, i ? "" : r.seq), h("td", null, i ? "" : who),
						h("td", null, i ? "" : call + (r.nops > 1 ? " \u00d7" + r.nops : "")),
						h("td", { class: "args" }, args(r.cmd, op)), h("td", null, outcome(r, op, rc))));
				});
				if (r.nops > ops.length)
					rows.push(h("tr", { class: cls || null }, h("td"), h("td"), h("td"),
						h("td", { class: "empty" }, "... and " + (r.nops - ops.length) +
						  " more in the same batch"), h("td")));
				return;
			}
			var fields = [], k;

			for (k in r)
				if (["seq", "t", "dom", "kind", "what", "effect", "meanwhile"].indexOf(k) < 0)
					fields.push(k + "=" + (typeof r[k] === "object" ? JSON.stringify(r[k]) : r[k]));
			rows.push(h("tr", { class: cls || null }, h("td", null, r.seq), h("td", null, who),
				h("td", { class: "ev" }, r.what || r.kind), h("td", { class: "args" }, fields.join(" ")),
				h("td")));
		});
		return rows;
	}
	/* An op's inputs (a map's handle and frame are its outputs: outcome()). */
	function args(cmd, op) {
		var out = [], k, v, outputs = ["status", "status_name", "flags_decoded"];

		if (cmd === "map_grant_ref")
			outputs.push("handle", "dev_bus_addr");
		for (k in op) {
			if (outputs.indexOf(k) >= 0)
				continue;
			v = op[k];
			if (k === "flags" && op.flags_decoded) v = op.flags_decoded;
			else if (k === "host_addr") v = hex(v) + " (gfn " + hex(Math.floor(v / 4096)) + ")";
			else if (typeof v === "object") v = JSON.stringify(v);
			out.push(k + "=" + v);
		}
		return out.join(" ");
	}
	function outcome(r, op, rc) {
		if (op.status === undefined)
			return rc;
		var st = op.status_name || "status " + op.status, extra = "";

		if (op.status === 0 && op.handle !== undefined && r.cmd === "map_grant_ref")
			extra = ", handle " + op.handle + (op.dev_bus_addr !== undefined ?
				", frame " + hex(Math.floor(op.dev_bus_addr / 4096)) : "");
		return h("span", { class: op.status === 0 ? "ok" : "bad" }, st + extra);
	}

	function xenstore(changes) {
		if (!changes)
			return h("div", { class: "empty" }, "no snapshot after this step");
		return table(["path", "", "value"], changes.map(function (c) {
			var cls = c.change === "new" ? "added" : c.change === "removed" ? "removed" : "changed";

			return h("tr", { class: cls }, h("td", null, c.path), h("td", null, c.change),
				h("td", null, c.change === "perms" ? (c.perms || []).join(" ") :
				  JSON.stringify(c.change === "removed" ? c.was : c.value),
				  c.change === "changed" ? h("span", { class: "was" }, "was " + JSON.stringify(c.was)) : null));
		}), "no node changed");
	}

	/* The page ------------------------------------------------------------------- */

	var app = document.getElementById("app"), current = 0, list, where, range, prevBtn, nextBtn, view;

	/* A scenario's step by its line; otherwise by the records it holds. */
	function title(s, i) {
		if (s.title)
			return s.title;
		if (s.first_seq === undefined)
			return "step " + (i + 1);
		return "records #" + s.first_seq + (s.last_seq !== s.first_seq ? "\u2013#" + s.last_seq : "");
	}

	function build() {
		prevBtn = h("button", { type: "button", id: "prev", title: "previous step (\u2190)" }, "\u25c0 prev");
		nextBtn = h("button", { type: "button", id: "next", title: "next step (\u2192)" }, "next \u25b6");
		where = h("span", { id: "where" });
		range = h("input", { type: "range", id: "scrub", min: 1, max: Math.max(steps.length, 1), value: 1,
				     "aria-label": "step" });
		list = h("ol", null, steps.map(function (s, i) {
			return h("li", { class: s.failure ? "failed" : null, "data-step": i + 1 },
				h("a", { href: "#step-" + (i + 1) }, h("span", { class: "n" }, i + 1), title(s, i)));
		}));
		view = h("main", { id: "view" });
		app.appendChild(h("header", null, h("h1", null, D.title),
			h("nav", null, prevBtn, where, nextBtn, range),
			h("span", { class: "hint" }, "\u2190 \u2192 step, Home/End; the URL keeps the step")));
		app.appendChild(h("div", { class: "layout" }, h("aside", null, list), view));
		prevBtn.addEventListener("click", function () { go(current - 1); });
		nextBtn.addEventListener("click", function () { go(current + 1); });
		range.addEventListener("input", function () { go(Number(range.value) - 1); });
		document.addEventListener("keydown", function (ev) {
			if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.target === range)
				return;
			var to = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0,
				   End: steps.length - 1 }[ev.key];

			if (to !== undefined) {
				ev.preventDefault();
				go(to);
			}
		});
		window.addEventListener("hashchange", function () { show(fromHash()); });
	}

	/* #step-N (1-based), or #line-N: the scenario's step on line N. */
	function fromHash() {
		var m = /^#step-(\d+)$/.exec(location.hash), i;

		if (m)
			return Number(m[1]) - 1;
		m = /^#line-(\d+)$/.exec(location.hash);
		for (i = 0; m && i < steps.length; i++)
			if ((steps[i].title || "").indexOf(m[1] + ":") === 0)
				return i;
		return 0;
	}

	function go(i) {
		i = Math.max(0, Math.min(steps.length - 1, i));
		if (i === current && location.hash === "#step-" + (i + 1))
			return;
		try {
			history.replaceState(null, "", "#step-" + (i + 1));
		} catch (e) {
			location.hash = "step-" + (i + 1);
		}
		show(i);
	}

	function show(i) {
		try {
			render(Math.max(0, Math.min(steps.length - 1, i)));
			if (body.getAttribute("data-js") !== "error")
				body.setAttribute("data-js", "ok");
		} catch (e) {
			failed(e);
			throw e;
		}
	}

	function render(i) {
		var s = steps[i], now = states[i], before = i ? states[i - 1] : states.base, k, doms = [];
		var items = list.children, snap = snapshotOf[i];

		current = i;
		body.setAttribute("data-step", i + 1);
		where.textContent = "step " + (i + 1) + " of " + steps.length;
		range.value = i + 1;
		prevBtn.disabled = i === 0;
		nextBtn.disabled = i === steps.length - 1;
		for (k = 0; k < items.length; k++)
			items[k].classList.toggle("current", k === i);
		items[i].scrollIntoView({ block: "nearest" });

		for (k in now)
			doms.push(now[k]);
		doms.sort(function (a, b) { return a.domid - b.domid; });
		view.textContent = "";
		view.appendChild(h("section", { id: "step", "data-title": s.title || "" },
			h("h2", null, "Step " + (i + 1) + ": " + (/^\d+: /.test(s.title || "") ?
				"line " + s.title : title(s, i)),
			  s.result ? h("span", { class: "result" }, "  \u2192  " + s.result) : null),
			s.failure ? h("div", { class: "failure" }, s.failure) : null,
			h("div", { class: "snapshot" + (s.state_seq === undefined ? " stale" : "") },
			  s.state_seq !== undefined ? "The tables below are hvsimd's state after this step (snapshot #" +
				s.state_seq + (s.state_why ? ", " + s.state_why : "") + ")." :
			  snap ? "No snapshot of the state was taken after this step: the tables show it as of step " +
				snap + "." :
			  snap === 0 ? "No snapshot of the state was taken after this step: the tables show it as it was " +
				"before the first." :
			  "No snapshot of the state in the trace yet (hvsimd takes one after each burst of " +
				"activity when started with HVSIM_TRACE_STATE=1).")));
		view.appendChild(h("section", null, h("h3", null, "What happened"),
			s.narration ? h("pre", { class: "narration" }, s.narration) :
				h("div", { class: "empty" }, "nothing reached the hypervisor")));
		view.appendChild(h("section", null, h("h3", null, "Hypercalls and events"),
			table(["seq", "who", "call or event", "arguments", "outcome"], recordRows(s.records || []),
			      "no hypercall, no event")));
		view.appendChild(h("section", null, h("h3", null, "Domains"),
			h("div", { class: "legend" }, "since the step before: ", h("span", { class: "added" }, "new"),
			  h("span", { class: "changed" }, "changed"), h("span", { class: "removed" }, "gone")),
			doms.length ? h("div", { class: "doms" }, doms.map(function (d) {
				return domainCard(d, before[d.domid], before[d.domid] !== undefined);
			})) : h("div", { class: "empty" }, "no snapshot yet")));
		view.appendChild(h("section", null, h("h3", null, "xenstore: nodes this step changed"),
			xenstore(s.state_seq !== undefined ? s.xenstore : null)));
		if (D.left_out)
			view.appendChild(h("div", { class: "empty" }, D.left_out + " more records of the trace are " +
				"not on this page (see hvsim trace)"));
	}

	try {
		if (!steps.length) {
			app.appendChild(h("section", null, h("h2", null, D.title),
				h("div", { class: "empty" }, "The trace holds no records.")));
			body.setAttribute("data-js", "ok");
			return;
		}
		build();
		show(fromHash());
	} catch (e) {
		failed(e);
		throw e;
	}
})();
