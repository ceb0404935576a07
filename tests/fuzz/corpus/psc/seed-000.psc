<?xml version="1.0" encoding="UTF-8"?>
<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">
  <psc:chapter start="00:01:14.000" title="Episode Introduction: MLOps &amp; ML platform conversation with Simon"/>
  <psc:chapter start="00:02:00.000" title="Career &amp; Transition: Research to industry, early platform work and management"/>
  <psc:chapter start="00:04:42.000" title="MLOps Definition: People, processes, and technology"/>
  <psc:chapter start="00:06:55.000" title="Deployment Challenges: Early blockers that launched MLOps work"/>
  <psc:chapter start="00:08:11.000" title="Core Platform Skills: Cloud infrastructure, Kubernetes, Terraform"/>
  <psc:chapter start="00:10:47.000" title="User-Centric Platform Design: Understanding data science workflows and notebooks"/>
  <psc:chapter start="00:13:25.000" title="Engineering Fundamentals: Software engineering for ML platforms"/>
  <psc:chapter start="00:13:50.000" title="Team Composition: Specialist vs generalist skill balance"/>
  <psc:chapter start="00:15:34.000" title="Team Size &amp; On‑Call: Staffing and operational considerations"/>
  <psc:chapter start="00:16:52.000" title="Build vs Buy Decision: When to consider building an ML platform"/>
  <psc:chapter start="00:17:14.000" title="Platform Triggers: Signs you need standardization across teams"/>
  <psc:chapter start="00:20:04.000" title="Single-Team Value: SaaS components and incremental platform adoption"/>
  <psc:chapter start="00:21:03.000" title="Data Science Workflow: Exploration to training and evaluation"/>
  <psc:chapter start="00:28:20.000" title="Self‑Service Compute: Notebooks, BigQuery, Databricks provisioning"/>
  <psc:chapter start="00:29:41.000" title="Experiment Tracking: Low‑hanging fruit for reproducibility and collaboration"/>
  <psc:chapter start="00:30:32.000" title="Model Registry: Persisting models for downstream consumption"/>
  <psc:chapter start="00:31:15.000" title="Deployment Patterns: Batch inference versus online serving"/>
  <psc:chapter start="00:31:51.000" title="Orchestration Choices: Airflow, pipelines, and production workflows"/>
  <psc:chapter start="00:34:01.000" title="Tool Integration: Stitching SaaS and open-source into a coherent platform"/>
  <psc:chapter start="00:35:26.000" title="LLMs &amp; Emerging Needs: Platform implications and vendor updates"/>
  <psc:chapter start="00:38:40.000" title="Developer Experience: Thin abstraction layers over cloud providers"/>
  <psc:chapter start="00:39:54.000" title="Regulatory Constraints: Fintech, security, and compliance impact"/>
  <psc:chapter start="00:42:48.000" title="Metadata &amp; Lineage: Reproducibility, artifact logging, and tracking"/>
  <psc:chapter start="00:45:50.000" title="Data Governance: GDPR implications of logging and dataset storage"/>
  <psc:chapter start="00:47:08.000" title="Business-First Strategy: Models before heavy platform investment"/>
  <psc:chapter start="00:49:19.000" title="Parallelization Strategy: Building minimal platform pieces alongside use cases"/>
  <psc:chapter start="00:51:41.000" title="MLOps Skill Focus: When platform engineers should learn model internals"/>
  <psc:chapter start="00:54:15.000" title="API Design &amp; Logging: Unified prediction schemas for monitoring and analytics"/>
  <psc:chapter start="00:57:32.000" title="Learning Resources: Books, practical projects, and MLOps training"/>
  <psc:chapter start="00:59:39.000" title="Episode Wrap‑Up and Closing Remarks"/>
</psc:chapters>
