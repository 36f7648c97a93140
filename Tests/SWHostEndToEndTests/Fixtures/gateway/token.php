<?php
echo $_SERVER['HTTP_X_MY_TOKEN'] ?? 'none';
