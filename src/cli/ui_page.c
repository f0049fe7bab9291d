/* ui_page.c - the page `emkit ui` serves: the board, its LEDs (brightness
 * from PWM duty), buttons, a switch, the potentiometer, the temperature,
 * the UART console and an oscilloscope of selectable nets.  It talks to
 * `emkit ui` over a WebSocket at /ws; every message is one line of the
 * event protocol (docs/events.md). */
#include <string.h>

#include "ui.h"

/* C99 caps a string literal at 4095 bytes: the page is kept in pieces
 * and joined once (emk_ui_page_text). */
static const char *const parts[] = {
"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>emkit: Arduino Uno</title>\n"
"<style>body{font:14px sans-serif;margin:12px;background:#eee}"
"#board{background:#1b6fa8;border-radius:8px}.pin{fill:#222}.lbl{fill:#fff;font:10px monospace}"
"fieldset{display:inline-block;vertical-align:top;margin:4px;background:#fff}"
"#uart{width:420px;height:120px;overflow:auto;background:#111;color:#0f0;font:12px monospace;"
"white-space:pre-wrap;margin:0}#scope{background:#000}</style></head><body>\n"
"<h3 id=\"title\">emkit: connecting...</h3>\n"
"<svg id=\"board\" width=\"520\" height=\"220\" viewBox=\"0 0 520 220\">"
"<rect x=\"390\" y=\"60\" width=\"110\" height=\"40\" fill=\"#333\"/>"
"<text class=\"lbl\" x=\"400\" y=\"85\">ATmega328P</text>"
"<g id=\"pins\"></g>"
"<circle id=\"led-L\" cx=\"300\" cy=\"70\" r=\"9\" fill=\"#fc0\" opacity=\"0.1\"/>"
"<text class=\"lbl\" x=\"293\" y=\"95\">L</text>"
"<circle id=\"led-LED1\" cx=\"230\" cy=\"150\" r=\"12\" fill=\"#f22\" opacity=\"0.1\"/>"
"<text class=\"lbl\" x=\"205\" y=\"178\">LED1 (D9)</text></svg><br>\n"
"<fieldset><legend>inputs</legend>"
"<button id=\"btn-BUTTON1\">BUTTON1 (D2)</button> "
"<label><input type=\"checkbox\" id=\"sw-SWITCH1\"> SWITCH1 (D4)</label><br>"
"POT1 (A0) <input type=\"range\" id=\"pot-POT1\" min=\"0\" max=\"1\" step=\"0.01\" value=\"0.5\">"
" <span id=\"potv\">0.50</span><br>"
"TEMP1 (A1) <input type=\"number\" id=\"temp-TEMP1\" value=\"25\" min=\"-55\" max=\"150\"> &deg;C"
"<br><button id=\"quit\">quit machine</button> <span id=\"status\"></span></fieldset>\n"
"<fieldset><legend>UART</legend><pre id=\"uart\"></pre>"
"<input id=\"tx\" size=\"40\"> <button id=\"send\">send</button></fieldset><br>\n"
"<fieldset><legend>oscilloscope</legend><div id=\"chans\"></div>"
"<canvas id=\"scope\" width=\"600\" height=\"200\"></canvas></fieldset>\n"
"<div id=\"nets\" style=\"display:none\"></div>\n"
"<script>\n"
"'use strict';\n"
"const net={}, hist={}, chans={'D13':true,'D9':true}, wave={}, subs={};let ws, now=0, id=1;\n"
"const names=['D0','D1','D2','D3','D4','D5','D6','D7','D8','D9','D10','D11','D12','D13',"
"'A0','A1','A2','A3','A4','A5'];\n"
"const pins=document.getElementById('pins');\n"
"names.forEach((n,i)=>{const x=i<14?470-i*24:40+(i-14)*24,y=i<14?20:200;\n"
" pins.insertAdjacentHTML('beforeend','<rect class=\"pin\" x=\"'+(x-6)+'\" y=\"'+(y-6)+"
"'\" width=\"12\" height=\"12\" id=\"pin-'+n+'\"/><text class=\"lbl\" x=\"'+(x-8)+'\" y=\"'"
"+(i<14?y+20:y-10)+'\">'+n+'</text>');\n"
" document.getElementById('chans').insertAdjacentHTML('beforeend','<label><input type=\"checkbox\" "
"id=\"ch-'+n+'\"'+(chans[n]?' checked':'')+'>'+n+'</label> ');\n"
" document.getElementById('ch-'+n).onchange=e=>{chans[n]=e.target.checked;"
"if(!chans[n]&&subs[n]){cmd('pwm-stream',{net:n,on:false});subs[n]=false;delete wave[n];}};});\n"
"function cmd(execute,args){if(ws&&ws.readyState===1)ws.send(JSON.stringify("
"{execute:execute,arguments:args,id:id++}));}\n"
"function brightness(n){const s=net[n];if(!s)return 0;return s.hz>0?s.duty:(s.volts>2.0?1:0);}\n"
"function show(){\n",
" document.getElementById('led-L').setAttribute('opacity',0.1+0.9*brightness('D13'));\n"
" document.getElementById('led-LED1').setAttribute('opacity',0.1+0.9*brightness('D9'));\n"
" names.forEach(n=>{const s=net[n],e=document.getElementById('pin-'+n);if(s&&e)"
"e.setAttribute('fill',s.hz>0?'#f80':(s.volts>2.5?'#e33':'#222'));});\n"
" document.getElementById('nets').textContent=JSON.stringify(net);}\n"
"function sample(n,t,v){(hist[n]=hist[n]||[]).push([t,v]);const h=hist[n];"
"while(h.length>2&&h[0][0]<t-2)h.shift();}\n"
"function onmsg(m){let o;try{o=JSON.parse(m.data);}catch(e){return;}\n"
" if(o.emkit){document.getElementById('title').textContent='emkit '+o.emkit.version+': '+"
"o.emkit.machine;return;}\n"
" if(o.error){document.getElementById('status').textContent=o.error.desc;return;}\n"
" if(o.return&&o.return.nets){o.return.nets.forEach(n=>{net[n.net]={volts:n.volts,hz:n.hz,duty:n.duty};});show();return;}\n"
" if(!o.event)return; now=o.time;const d=o.data;\n"
" if(o.event==='GPIO'){net[d.net]={volts:d.volts,hz:0,duty:d.volts>2.5?1:0};sample(d.net,o.time,d.volts);}\n"
" else if(o.event==='PWM'){net[d.net]={volts:d.volts,hz:d.hz,duty:d.duty};sample(d.net,o.time,d.volts);\n"
"  if(d.hz>0&&chans[d.net]&&!subs[d.net]){subs[d.net]=true;cmd('pwm-stream',{net:d.net,rate:200000});}}\n"
" else if(o.event==='PWM-STREAM'){wave[d.net]=((wave[d.net]||'')+d.samples).slice(-1000);}\n"
" else if(o.event==='UART'){const u=document.getElementById('uart');u.textContent+=d.text;"
"u.scrollTop=u.scrollHeight;}\n"
" show();}\n"
"function scope(){const c=document.getElementById('scope'),g=c.getContext('2d');\n"
" g.fillStyle='#000';g.fillRect(0,0,c.width,c.height);let k=0;const cols=['#0f0','#ff0','#0ff','#f0f','#f80'];\n"
" for(const n in chans){if(!chans[n]||!hist[n])continue;const col=cols[k++%cols.length];g.strokeStyle=col;\n"
"  if(wave[n]&&net[n]&&net[n].hz>0){const w=wave[n];g.beginPath();for(let i=0;i<w.length;i++){"
"const x=c.width*i/w.length,y=w[i]==='1'?10:c.height-10;if(i)g.lineTo(x,y);else g.moveTo(x,y);}"
"g.stroke();g.fillStyle=col;g.fillText(n+' (5 ms)',4,12*k);continue;}\n"
"  g.beginPath();let last=null;for(const [t,v] of hist[n]){const x=c.width*(1-(now-t)/2),y=c.height-10-v*(c.height-20)/5;\n"
"   if(last===null)g.moveTo(x,y);else g.lineTo(x,last);g.lineTo(x,y);last=y;}\n"
"  if(last!==null)g.lineTo(c.width,last);g.stroke();g.fillStyle=col;g.fillText(n,4,12*k);}\n"
" requestAnimationFrame(scope);}\n"
"const b=document.getElementById('btn-BUTTON1');\n"
"b.onmousedown=()=>cmd('set-part',{part:'BUTTON1',value:1});\n"
"b.onmouseup=()=>cmd('set-part',{part:'BUTTON1',value:0});\n"
"document.getElementById('sw-SWITCH1').onchange=e=>cmd('set-part',{part:'SWITCH1',value:e.target.checked?1:0});\n"
"document.getElementById('pot-POT1').oninput=e=>{document.getElementById('potv').textContent="
"Number(e.target.value).toFixed(2);cmd('set-part',{part:'POT1',value:Number(e.target.value)});};\n"
"document.getElementById('temp-TEMP1').onchange=e=>cmd('set-part',{part:'TEMP1',value:Number(e.target.value)});\n"
"document.getElementById('send').onclick=()=>{const t=document.getElementById('tx');"
"cmd('uart-write',{data:t.value+'\\n'});t.value='';};\n"
"document.getElementById('quit').onclick=()=>cmd('quit',{});\n"
"ws=new WebSocket('ws://'+location.host+'/ws');ws.onmessage=onmsg;\n"
"ws.onopen=()=>cmd('query-nets',{});\n"
"ws.onclose=()=>{document.getElementById('status').textContent='machine gone';};\n"
"requestAnimationFrame(scope);\n"
"</script></body></html>\n",
};

static char page[16384];
static size_t page_len;

const char *emk_ui_page_text(size_t *len)
{
    size_t i;

    if (!page_len)
        for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
            size_t n = strlen(parts[i]);

            if (page_len + n < sizeof(page)) {
                memcpy(page + page_len, parts[i], n);
                page_len += n;
            }
        }
    *len = page_len;
    return page;
}
