<?xml version="1.0" encoding="UTF-8"?>
<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">
  <psc:chapter start="00:00:00.000" title="Episode Introduction: Product Management for Machine Learning"/>
  <psc:chapter start="00:01:13.000" title="Guest Overview: Geo and episode focus on AI Product Manager role"/>
  <psc:chapter start="00:01:56.000" title="Career Journey: From web/dev to data science to product management"/>
  <psc:chapter start="00:06:28.000" title="Glovo Role: Leading ML platform strategy and team responsibilities"/>
  <psc:chapter start="00:08:41.000" title="In-house MLOps Platform Strategy &amp; Vendor Evaluation"/>
  <psc:chapter start="00:09:50.000" title="Product Manager Responsibilities: Roadmap, specs, and stakeholder balance"/>
  <psc:chapter start="00:11:24.000" title="Internal Platform Users as Customers: ROI and adoption considerations"/>
  <psc:chapter start="00:13:44.000" title="Platform Usability Costs: Productivity losses from poor tooling UX"/>
  <psc:chapter start="00:15:19.000" title="Backlog Prioritization: Grooming with engineering and Agile practices"/>
  <psc:chapter start="00:16:44.000" title="Outcome-Driven Problem Definition: Metrics over immediate solutions"/>
  <psc:chapter start="00:18:25.000" title="ML Observability: KPIs and measuring platform impact"/>
  <psc:chapter start="00:19:29.000" title="Avoiding Solution Bias: Techniques to resist jumping into solutions"/>
  <psc:chapter start="00:21:06.000" title="Collaborative Problem Breakdown: Workshops, interviews, and user input"/>
  <psc:chapter start="00:22:15.000" title="Core PM Skills: Communication, prioritization, and continuous learning"/>
  <psc:chapter start="00:23:28.000" title="Technical Literacy: Model architectures, data infra, and cloud concepts"/>
  <psc:chapter start="00:25:31.000" title="Technical Background Value: Why platform PMs need tooling familiarity"/>
  <psc:chapter start="00:28:37.000" title="Role Differences: Data Science Lead / Staff vs Technical ML Product Manager"/>
  <psc:chapter start="00:31:28.000" title="Release Governance &amp; Rollout Strategy: Approvals, compliance, and timing"/>
  <psc:chapter start="00:35:18.000" title="Adoption Strategy: &quot;Time to stakeholders&quot; and internal rollouts"/>
  <psc:chapter start="00:37:48.000" title="Engineering Roles in ML Platforms: Backend, syseng, CI/CD, and K8s"/>
  <psc:chapter start="00:40:14.000" title="Embedded Data Scientists: Power users, developer advocates, and demos"/>
  <psc:chapter start="00:42:14.000" title="Agile for Data Science: Kanban, Scrum, and adapting to research work"/>
  <psc:chapter start="00:44:56.000" title="Transition Path: Moving from Data Scientist to Technical Product Manager"/>
  <psc:chapter start="00:49:43.000" title="Recommended Resources: Books and communities for PM transition"/>
  <psc:chapter start="00:52:45.000" title="Non‑Technical Transitions: Feasibility of moving into ML product roles"/>
  <psc:chapter start="00:55:44.000" title="User Research for Internal Platforms: Surveys and Happiness Reports"/>
  <psc:chapter start="00:57:20.000" title="ML Quality Assurance: Model validation, shadowing, and release checklists"/>
  <psc:chapter start="00:59:52.000" title="Scrum Master to PM Advice: Leverage Agile skills and learn ML basics"/>
  <psc:chapter start="01:01:51.000" title="Final Thoughts: PM demands, scope, and career realities"/>
  <psc:chapter start="01:03:35.000" title="Contact &amp; Hiring: Geo on LinkedIn and Glovo opportunities"/>
</psc:chapters>
