// 分配模拟: each party's and household's income over a range of profits (ECharts). The data comes
// from the page's json_script block "series"; names are drawn by ECharts as text (its default
// tooltip escapes them), never written as HTML by us.
(function () {
  "use strict";
  const node = document.getElementById("series");
  const el = document.getElementById("chart");
  if (!node || !el || typeof echarts === "undefined") return;
  const data = JSON.parse(node.textContent);
  const lines = data.parties.map((p) => ({ name: p.name, type: "line", data: p.incomes.map(Number) }));
  // Many households crowd the parties' lines: beyond three they start hidden (the legend shows them).
  const selected = {};
  data.households.forEach((h) => {
    const name = h.household + " " + h.head_name;
    lines.push({ name: name, type: "line", lineStyle: { type: "dashed" }, data: h.incomes.map(Number) });
    if (data.households.length > 3) selected[name] = false;
  });
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0, selected: selected },
    grid: { left: 80, right: 30, top: 50, bottom: 50 },
    xAxis: {
      type: "category", name: "可分配利润（元）", nameLocation: "middle", nameGap: 30,
      data: data.profits.map((p) => Number(p).toLocaleString("zh-CN")),
    },
    yAxis: { type: "value", name: "收入（元）" },
    series: lines,
  });
  window.addEventListener("resize", () => chart.resize());
  el.dataset.ready = "true";
})();
