#!/usr/bin/env node
// The screenshots of docs/authoring.md, made from the real program so they
// stay current: `chengguo new case` in a copy of the sample site, the
// preview (`chengguo serve`) of the home page and of the new case on a
// phone, and the error box after a wrong date is saved.
//
// usage: node tests/browser/screenshots.js CHENGGUO_BIN SITE_DIR OUT_DIR
//   (docs: node tests/browser/screenshots.js target/release/chengguo <copy of the site> docs/images)
// env:   CHROMIUM=/usr/bin/chromium (default)
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--font-render-hinting=none'];
const TITLE = '聚奎中学借助上海教研范式打造二精课堂';

function startServer(bin, site) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve did not start:\n' + out)), 60000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /预览地址：(\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    });
    child.stderr.on('data', (d) => { out += d.toString(); });
    child.on('exit', (c) => reject(new Error(`serve exited ${c}:\n${out}`)));
  });
}

/// Fill the template `chengguo new` wrote, as the guide says.
function fill(text) {
  return text
    .replace(/^region:.*$/m, 'region: jiangjin')
    .replace(/^outcomes:.*$/m, 'outcomes: [shanghai-jiaoyan-fanshi]')
    .replace(/^summary:.*$/m, 'summary: 聚奎中学借助上海教研范式，打造精心设计、精彩实施的“二精”课堂。')
    .replace(/（请在这里填写案例正文）/, '## 背景\n\n学校地处乡村，借助上海的教研范式改进课堂。\n\n## 做法\n\n- 集体备课\n- 课堂观察\n- 课后反思\n');
}

async function main() {
  const [bin, site, outDir] = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  const made = execFileSync(bin, ['new', 'case', TITLE, site], { encoding: 'utf8' });
  const m = /：(\S+\.md)/.exec(made);
  if (!m) throw new Error('new did not say where: ' + made);
  const file = path.isAbsolute(m[1]) ? m[1] : path.join(process.cwd(), m[1]);
  fs.writeFileSync(file, fill(fs.readFileSync(file, 'utf8')));
  const id = path.basename(file, '.md');

  const { child, base } = await startServer(bin, site);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const shots = [];
  const shot = async (page, name) => {
    const p = path.join(outDir, name);
    await page.screenshot({ path: p });
    shots.push(p);
  };
  try {
    const desk = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await desk.goto(base);
    await shot(desk, 'preview-home.png');

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await phone.goto(`${base}cases/${id}.html`);
    await shot(phone, 'case-phone.png');

    // A wrong date, saved: the open page shows the error box by itself.
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.replace(/^date:.*$/m, 'date: 2023-13-45'));
    await phone.waitForSelector('#chengguo-errors', { timeout: 30000 });
    await phone.waitForTimeout(300);
    await shot(phone, 'error-box-phone.png');
    fs.writeFileSync(file, good);
    await phone.waitForSelector('#chengguo-errors', { state: 'detached', timeout: 30000 });
  } finally {
    await browser.close();
    child.kill('SIGINT');
  }
  for (const s of shots) {
    const n = fs.statSync(s).size;
    if (n < 5000) throw new Error(`${s}: only ${n} bytes`);
    console.log(`${s} ${n} bytes`);
  }
  console.log('all checks passed');
}

main().catch((e) => { console.log('FAIL ' + (e.stack || e)); process.exit(1); });
