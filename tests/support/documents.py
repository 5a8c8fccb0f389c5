"""Real files made by real tools for the readers' and the add tests: Chromium print-to-PDF
and a government-style web page."""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HEADER, FOOTER = "某某市人民政府办公厅文件", "某某市人民政府办公厅印发"
# The probe's flags: without the networking ones Chromium keeps dialling out of a closed network.
CHROMIUM_FLAGS = """--headless --no-sandbox --disable-gpu --no-first-run --disable-sync
    --disable-background-networking --disable-component-update --disable-quic"""


def chromium(tmp_path: Path, *args: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    flags = [*CHROMIUM_FLAGS.split(), f"--user-data-dir={tmp_path / 'chromium-profile'}"]
    subprocess.run([str(CHROMIUM), *flags, *args], check=True, capture_output=True, timeout=180)


def page_html(paras: list[str], page_label: str) -> str:
    """A printable A4 page: running header and footer, page numbers in @page margin boxes."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return f"""<!doctype html><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 25mm 20mm;
        @top-center {{ content: "{HEADER}"; font-size: 9pt; }}
        @bottom-left {{ content: "{FOOTER}"; font-size: 9pt; }}
        @bottom-right {{ content: {page_label}; font-size: 10pt; }} }}
      body {{ font-family: "Noto Serif CJK SC"; font-size: 14pt; line-height: 1.6; }}
      p {{ text-indent: 2em; margin: 0 0 0.3em; text-align: justify; }}
    </style>{body}"""


def print_pdf(tmp_path: Path, page: str, name: str = "out.pdf") -> Path:
    source, out = tmp_path / "page.html", tmp_path / name
    source.write_text(page, encoding="utf-8")
    chromium(tmp_path, f"--print-to-pdf={out}", "--no-pdf-header-footer", source.as_uri())
    return out


def gov_page(title: str, paras: list[str]) -> str:
    nav = "".join(
        f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(["首页", "政务公开", "政策解读"])
    )
    related = "".join(
        f"<li><a>某某市人民政府关于印发第{i}批改革事项清单的通知</a></li>" for i in "一二三"
    )
    script = '<script>var share={"title":"脚本里的文字"};document.write("广告");</script>'
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
    <title>{title}_政策文件_某某市人民政府门户网站</title>{script}
    <style>.nav{{color:red}} body{{font-family:"宋体"}}</style></head><body>
    <div class="header"><ul class="nav">{nav}</ul><form><input placeholder="搜索"></form></div>
    <div class="BreadcrumbNav">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
    <div class="main"><h1 class="title">{title}</h1>
    <div class="info">发布时间：2024-05-20　来源：市司法局
      【字体：<a>大</a> <a>中</a> <a>小</a>】</div>
    <div id="UCAP-CONTENT" class="pages_content">
    {"".join(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in paras)}
    <table border="1"><tr><td>序号</td><td>事项</td></tr>
      <tr><td>1</td><td>年休假审批</td></tr></table>
    </div><div class="share">分享到：<a>微信</a><a>微博</a></div>
    <div class="related"><h3>相关链接</h3><ul>{related}</ul></div></div>{script}
    <div class="footer">主办单位：某某市人民政府办公厅　网站标识码：3301000001
      浙ICP备05012345号</div>
    </body></html>"""
